"""Batches: many generation requests in one upload, each line an ordinary job.

Intake reads the upload as a stream, checks each line exactly as a single
submission is checked (jobs/services/generations.py), and writes accepted
lines in chunks: one bulk insert each for jobs, payloads and `submitted`
events. A line that fails its checks is recorded with its error and does not
stop the others. The stage messages are sent afterwards by a task, in chunks
(`batch_dispatch`); every job is committed with `published_at` set, so a lost
dispatch is made good by the sweeper, as a lost single publish is.

A batch ends when all its jobs have: `batches_settle` (beat) moves it to
completed, cancelled or expired and writes its one webhook.
"""

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery import current_app as app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from psycopg.types.json import Jsonb
from rest_framework.exceptions import APIException

from common.api import exception_handler
from common.queues import queue_for
from jobs.models import (
    BATCH_TERMINAL,
    TERMINAL_STATUSES,
    Batch,
    BatchStatus,
    EventType,
    Job,
    JobEvent,
    JobPayload,
    Stage,
    Status,
)
from jobs.services.generations import generation_request_serializer, generation_validate
from jobs.services.intake import budget_check
from jobs.services.lifecycle import job_cancel
from jobs.services.publishing import STAGE_TASKS, stage_message_send
from jobs.services.submission import job_build, submitted_data
from jobs.services.webhooks import batch_deliveries_create
from safety.encryption import encrypt_json
from tenants.models import ApiKey

logger = logging.getLogger(__name__)

CHUNK = 500  # lines checked and written per transaction
CUSTOM_ID_MAX = 200
# Per-line options that make no sense in a batch: it has one webhook and no caller waiting.
BATCH_LEVEL_OPTIONS = ("webhookUrl", "mode", "syncTimeoutSeconds", "priority")


class BatchRejected(Exception):
    """The upload as a whole cannot be a batch (not the fault of one line)."""

    def __init__(self, message: str, code: str = "invalid_batch") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class IntakeReport:
    accepted: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _line_digest(digest: Any, number: int, value: Any) -> None:
    """Fold one line into the upload's digest (what an Idempotency-Key replay is compared by)."""
    text = str(value) if isinstance(value, ValueError) else json.dumps(value, sort_keys=True, default=str)
    digest.update(f"{number}\n{text}\n".encode())


def batch_lines_sha256(lines: Iterable[tuple[int, Any]]) -> str:
    """The digest of an upload read again (a replayed Idempotency-Key); writes nothing."""
    digest = hashlib.sha256()
    for number, value in lines:
        _line_digest(digest, number, value)
    return digest.hexdigest()


def _line_error(number: int, custom_id: Any, code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {
        "line": number,
        "customId": custom_id if isinstance(custom_id, str) else None,
        "error": {"code": code, "message": message, "details": details or []},
    }


def _checked(
    api_key: ApiKey, number: int, value: Any, seen: set[str], checker: Any
) -> tuple[Any, ...] | dict[str, Any]:
    """A line's (custom id, data, options, resolved), or its error."""
    if isinstance(value, ValueError):
        return _line_error(number, None, "malformed_json", str(value))
    if not isinstance(value, dict) or not isinstance(value.get("body"), dict):
        return _line_error(number, None, "validation_error", 'Each line is {"custom_id": "...", "body": {...}}.')
    custom_id = value.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id or len(custom_id) > CUSTOM_ID_MAX:
        return _line_error(number, custom_id, "validation_error", f"custom_id: a string of 1 to {CUSTOM_ID_MAX}.")
    if custom_id in seen:
        return _line_error(number, custom_id, "duplicate_custom_id", "custom_id is used by an earlier line.")
    unknown = sorted(set(value) - {"custom_id", "body", "method", "url"})  # method/url: OpenAI's line shape
    if unknown:
        return _line_error(number, custom_id, "validation_error", f"Unknown field(s): {', '.join(unknown)}.")
    batch_level = sorted(set(value["body"].get("options") or {}) & set(BATCH_LEVEL_OPTIONS))
    if batch_level:
        message = f"{', '.join(batch_level)}: set once for the whole batch, not per line."
        return _line_error(number, custom_id, "validation_error", message)
    try:
        data, options, resolved = generation_validate(api_key=api_key, body=value["body"], serializer=checker)
    except APIException as exc:
        answer = exception_handler(exc, {})  # the API's own error format, as a single submission gets
        body = answer.data["error"] if answer is not None else {"code": "error", "message": str(exc)}
        return _line_error(number, custom_id, body["code"], body["message"], body.get("details"))
    seen.add(custom_id)
    return custom_id, data, options, resolved


EVENT_COLUMNS = ["job", "type", "stage", "from_status", "to_status", "data", "correlation_id", "created_at"]


def _chunk_write(api_key: ApiKey, batch: Batch, lines: list[tuple[int, tuple[Any, ...]]]) -> None:
    now = timezone.now()
    jobs, payloads, events = [], [], []
    for number, (custom_id, data, options, resolved) in lines:
        output_schema = data.get("outputSchema")
        job = job_build(
            api_key=api_key,
            kind=resolved.kind,
            parameters=data["parameters"],
            options={**options, "deadlineSeconds": int((batch.expires_at - now).total_seconds())},
            priority=batch.priority,
            webhook_url="",
            output_schema=output_schema if isinstance(output_schema, dict) else None,
            schema_version=None if isinstance(output_schema, dict) else output_schema,
            correlation_id=f"batch-{batch.id.hex[:12]}",
            prompt=resolved,
        )
        # What save() would set on insert, and the batch's own fields.
        job.created_at = job.updated_at = job.published_at = now
        job.batch, job.batch_line, job.custom_id = batch, number, custom_id
        jobs.append(job)
        payloads.append((job.id, encrypt_json(data["parameters"]), now))
        submitted = Jsonb({**submitted_data(job, resolved), "batch": str(batch.id), "customId": custom_id})
        event = (EventType.SUBMITTED.value, Stage.PREPARE.value, "", Status.QUEUED.value, submitted)
        events.append((job.id, *event, job.correlation_id, now))
    # COPY, not bulk_create: building INSERT statements took more of the web
    # process's CPU than checking the lines (bench/batch_intake.py). Each
    # job's values are prepared by its own fields, as bulk_create does.
    job_fields = list(Job._meta.concrete_fields)
    rows = [
        tuple(field.get_db_prep_save(getattr(job, field.attname), connection) for field in job_fields) for job in jobs
    ]
    with transaction.atomic():
        _copy(Job, [field.name for field in job_fields], rows)
        _copy(JobPayload, ["job", "raw", "created_at"], payloads)
        _copy(JobEvent, EVENT_COLUMNS, events)


def _copy(model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(model._meta.get_field(name).column for name in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def batch_intake(*, api_key: ApiKey, batch: Batch, lines: Iterable[tuple[int, Any]]) -> IntakeReport:
    """Check and store every line; bounded in memory (CHUNK lines at a time)."""
    budget_check(api_key=api_key)  # once for the batch: a spent budget refuses the whole upload
    report = IntakeReport()
    # Only a batch with an Idempotency-Key is ever compared with a re-upload.
    digest = hashlib.sha256() if batch.idempotency_key else None
    seen: set[str] = set()
    checker = generation_request_serializer(api_key=api_key)  # built once: its fields cost more than a check
    pending: list[tuple[int, tuple[Any, ...]]] = []
    total = 0
    for number, value in lines:
        total += 1
        if digest is not None:
            _line_digest(digest, number, value)
        if total > settings.BEACON_BATCH_MAX_LINES:
            raise BatchRejected(f"A batch holds at most {settings.BEACON_BATCH_MAX_LINES} lines.", "batch_too_large")
        checked = _checked(api_key, number, value, seen, checker)
        if isinstance(checked, dict):
            report.errors.append(checked)
            continue
        pending.append((number, checked))
        if len(pending) == CHUNK:
            _chunk_write(api_key, batch, pending)
            report.accepted += len(pending)
            pending = []
    if pending:
        _chunk_write(api_key, batch, pending)
        report.accepted += len(pending)
    if total == 0:
        raise BatchRejected("The upload has no lines.", "empty_batch")
    status = BatchStatus.IN_PROGRESS if report.accepted else BatchStatus.FAILED
    Batch.objects.filter(id=batch.id).update(
        status=status,
        total_lines=total,
        line_errors=report.errors,
        lines_sha256=digest.hexdigest() if digest is not None else "",
        in_progress_at=timezone.now() if report.accepted else None,
        finished_at=None if report.accepted else timezone.now(),
    )
    batch.refresh_from_db()
    if report.accepted:
        transaction.on_commit(lambda: _dispatch_later(str(batch.id)))
    else:
        with transaction.atomic():
            batch_deliveries_create(batch=batch, body=batch_representation(batch=batch))
    return report


def batch_create(
    *,
    api_key: ApiKey,
    priority: str,
    webhook_url: str,
    completion_hours: int,
    metadata: dict[str, Any],
    idempotency_key: str = "",
) -> Batch:
    """A new batch, status validating. With an Idempotency-Key another upload
    may be creating right now: the database's unique constraint decides."""
    assert api_key.project_id is not None, "API keys always carry a project"
    return Batch.objects.create(
        idempotency_key=idempotency_key,
        organization_id=api_key.organization_id,
        project_id=api_key.project_id,
        api_key=api_key,
        priority=priority,
        webhook_url=webhook_url,
        metadata=metadata,
        expires_at=timezone.now() + timedelta(hours=completion_hours),
    )


DISPATCH_TASK = "jobs.batch_dispatch"


def _dispatch_later(batch_id: str) -> None:
    app.send_task(DISPATCH_TASK, args=[batch_id], queue=queue_for("default", "high"))


def batch_dispatch(*, batch_id: str) -> int:
    """Send the first stage's message of every job of the batch still due at
    prepare, in chunks; a second run (a redelivered task) sends duplicates
    that the stage's claim turns into no-ops."""
    queue = STAGE_TASKS[Stage.PREPARE][1]
    batch = Batch.objects.filter(id=batch_id).first()
    if batch is None or batch.status != BatchStatus.IN_PROGRESS:
        return 0
    ids = Job.objects.filter(batch_id=batch_id, status=Status.QUEUED, stage=Stage.PREPARE).values_list("id", flat=True)
    sent = 0
    for job_id in ids.iterator(chunk_size=CHUNK):
        stage_message_send(job_id=str(job_id), stage=Stage.PREPARE, queue=queue_for(queue, batch.priority))
        sent += 1
    logger.info("batch %s: sent %d stage messages", batch_id, sent)
    return sent


def batch_counts(*, batch: Batch) -> dict[str, int]:
    counts = Job.objects.filter(batch=batch).aggregate(
        accepted=Count("id"),
        completed=Count("id", filter=Q(status=Status.COMPLETED)),
        failed=Count("id", filter=Q(status__in=[Status.FAILED, Status.REJECTED])),
        cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
        in_review=Count("id", filter=Q(status=Status.REVIEWING)),
    )
    invalid = len(batch.line_errors)
    return {
        "total": batch.total_lines,
        "accepted": counts["accepted"],
        "completed": counts["completed"],
        "failed": counts["failed"] + invalid,
        "invalid": invalid,
        "cancelled": counts["cancelled"],
        "inReview": counts["in_review"],
        "running": counts["accepted"] - counts["completed"] - counts["failed"] - counts["cancelled"],
    }


def batch_representation(*, batch: Batch) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(batch.id),
        "status": batch.status,
        "priority": batch.priority,
        "projectId": str(batch.project_id),
        "metadata": batch.metadata,
        "requestCounts": batch_counts(batch=batch),
        "createdAt": iso(batch.created_at),
        "inProgressAt": iso(batch.in_progress_at),
        "expiresAt": iso(batch.expires_at),
        "cancellingAt": iso(batch.cancelling_at),
        "finishedAt": iso(batch.finished_at),
        "links": {
            "self": f"/api/v1/batches/{batch.id}",
            "results": f"/api/v1/batches/{batch.id}/results",
            "jobs": f"/api/v1/generations?batchId={batch.id}",
        },
    }


def batch_cancel(*, batch: Batch) -> Batch:
    """Stop a batch: jobs not yet started are cancelled; started ones finish.
    Cancelling one already ending, or ended, is a no-op."""
    if batch.status in BATCH_TERMINAL or batch.status == BatchStatus.CANCELLING:
        return batch
    Batch.objects.filter(id=batch.id, status=BatchStatus.IN_PROGRESS).update(
        status=BatchStatus.CANCELLING, cancelling_at=timezone.now()
    )
    batch.refresh_from_db()
    _queued_cancel(batch, reason="batch cancelled")
    return batch


def _queued_cancel(batch: Batch, *, reason: str) -> int:
    cancelled = 0
    waiting = Job.objects.filter(batch=batch, status=Status.QUEUED).values_list("id", flat=True)
    for job_id in list(waiting.iterator(chunk_size=CHUNK)):
        try:
            job_cancel(job_id=str(job_id), reason=reason)
            cancelled += 1
        except APIException:
            continue  # it started meanwhile: it finishes
    return cancelled


def batches_settle() -> int:
    """Move batches whose jobs all ended to their final status and write each
    batch's webhook once; expire batches past their window (jobs not started
    are cancelled). Run by beat; safe to run twice at once (conditional updates)."""
    now = timezone.now()
    settled = 0
    for batch in Batch.objects.filter(status__in=[BatchStatus.IN_PROGRESS, BatchStatus.CANCELLING]):
        if batch.status == BatchStatus.IN_PROGRESS and batch.expires_at <= now:
            _queued_cancel(batch, reason="batch expired")
        if Job.objects.filter(batch=batch).exclude(status__in=list(TERMINAL_STATUSES)).exists():
            continue
        final = BatchStatus.COMPLETED
        if batch.status == BatchStatus.CANCELLING:
            final = BatchStatus.CANCELLED
        elif batch.expires_at <= now and Job.objects.filter(batch=batch, status=Status.CANCELLED).exists():
            final = BatchStatus.EXPIRED
        with transaction.atomic():
            if not Batch.objects.filter(id=batch.id, status=batch.status).update(status=final, finished_at=now):
                continue  # another settle got there first
            batch.refresh_from_db()
            batch_deliveries_create(batch=batch, body=batch_representation(batch=batch))
        settled += 1
    return settled


def batch_results(*, batch: Batch) -> Iterator[bytes]:
    """JSONL, one line per ended job and per refused line, by line number:
    `{"custom_id", "line", "id", "status", "result", "error"}`. Jobs still
    running are left out; read again later for them."""
    errors = iter(batch.line_errors)
    pending_error = next(errors, None)
    jobs = Job.objects.filter(batch=batch, status__in=list(TERMINAL_STATUSES)).select_related("result")
    for job in jobs.order_by("batch_line").iterator(chunk_size=CHUNK):
        while pending_error is not None and pending_error["line"] < (job.batch_line or 0):
            yield _error_line(pending_error)
            pending_error = next(errors, None)
        shown = job.status == Status.COMPLETED and hasattr(job, "result") and job.result.deleted_at is None
        result = job.result.output if shown and job.deleted_at is None else None  # none from the trash
        yield _jsonl(
            custom_id=job.custom_id,
            line=job.batch_line,
            id=str(job.id),
            status=job.status,
            result=result,
            error=job.error,
        )
    while pending_error is not None:
        yield _error_line(pending_error)
        pending_error = next(errors, None)


def _error_line(error: dict[str, Any]) -> bytes:
    return _jsonl(
        custom_id=error["customId"], line=error["line"], id=None, status="invalid", result=None, error=error["error"]
    )


def _jsonl(**line: Any) -> bytes:
    return (json.dumps(line, default=str, ensure_ascii=False) + "\n").encode()
