"""Storage tiers: hot (PostgreSQL) and warm (object storage).

A job that ended BEACON_WARM_AFTER_DAYS ago moves warm: its result, its
validation trace, its event log and its model answers (redacted, while
retention keeps them) become one gzip-compressed JSON document in the
"archive" storage (django-storages: the filesystem under .beacon/ by
default, S3-compatible in production). The job row stays, with a JobArchive
row holding the document's key and checksum and a full-text vector of the
redacted output, so warm jobs are still found by search without reading the
archive (PostgreSQL's full text is enough at this scale: one index, no
second system to keep in step).

A move never loses a row: the document is written, read back and checked
against its checksum first, and only then, in one transaction with the job
locked, is the database thinned (result emptied, events deleted through the
retention purge's door). A move that fails half way leaves the job hot; the
object it wrote is overwritten by the next try. Moves are idempotent and
resumable (each batch picks the hot jobs still due), and a legal hold keeps a
job hot. `job_restore_hot` reverses a move exactly: events come back with
their ids, so Last-Event-ID and history stay valid.

Reads are transparent: `job_document` returns a warm job's document, the API
answers from it (header `Beacon-Storage-Tier: warm`).
"""

import gzip
import hashlib
import json
import logging
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone

from common.text import strings_of
from jobs.models import TERMINAL_STATUSES, Job, JobArchive, JobEvent, JobResult, StorageTier
from jobs.selectors import job_representation
from jobs.serializers import JobEventSerializer
from jobs.services.legal_holds import unheld
from jobs.services.retention import EVENTS_PURGE_FLAG
from jobs.state import job_state_load

logger = logging.getLogger(__name__)

DOCUMENT_VERSION = 1


class ArchiveError(Exception):
    """The archive holds no valid document for a job (missing or corrupt)."""


def archive_storage() -> Any:
    return storages["archive"]


def _key(job: Job) -> str:
    return f"warm/{job.organization_id}/{job.finished_at:%Y-%m}/{job.id}.json.gz"


def _event_data(event: JobEvent) -> dict[str, Any]:
    # The events API's own shape, so a warm job's events read the same.
    return cast(dict[str, Any], JobEventSerializer(event).data)


def job_document_build(job: Job) -> dict[str, Any]:
    result = JobResult.objects.filter(job=job).first()
    payload = getattr(job, "payload", None)
    answers = (
        [attempt.text for attempt in job_state_load(job).attempts]
        if payload is not None and payload.purged_at is None
        else []
    )
    return {
        "version": DOCUMENT_VERSION,
        "job": job_representation(job=job),
        "result": {"output": result.output, "validation": result.validation} if result is not None else None,
        "events": [_event_data(e) for e in JobEvent.objects.filter(job=job).order_by("id")],
        "modelAnswers": answers,  # redacted like every stored prompt and answer
    }


def _encode(document: dict[str, Any]) -> bytes:
    raw = json.dumps(document, separators=(",", ":"), default=str).encode()
    return gzip.compress(raw, compresslevel=6, mtime=0)


def job_move_warm(job: Job) -> bool:
    """Move one ended hot job warm; False when it is not movable now."""
    document = job_document_build(job)
    blob = _encode(document)
    digest = hashlib.sha256(blob).hexdigest()
    key = _key(job)
    storage = archive_storage()
    if storage.exists(key):
        storage.delete(key)  # a half-done earlier try: write it again
    saved = storage.save(key, ContentFile(blob))
    with storage.open(saved, "rb") as handle:
        if hashlib.sha256(handle.read()).hexdigest() != digest:
            storage.delete(saved)
            raise ArchiveError(f"the archive returned other bytes for {saved}; the job stays hot")
    text = " ".join(value for _, value in strings_of((document["result"] or {}).get("output")))
    with transaction.atomic():
        locked = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(unheld(), pk=job.pk, storage_tier=StorageTier.HOT)
            .first()
        )
        if locked is None:
            storage.delete(saved)
            return False
        JobArchive.objects.create(
            job=locked,
            key=saved,
            sha256=digest,
            size_bytes=len(blob),
            events=len(document["events"]),
            search=SearchVector(Value(text), config="simple"),
        )
        JobResult.objects.filter(job=locked).update(output=None, validation={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [EVENTS_PURGE_FLAG])
            JobEvent.objects.filter(job=locked).delete()
            cursor.execute("SELECT set_config(%s, 'off', true)", [EVENTS_PURGE_FLAG])
        Job.objects.filter(pk=locked.pk).update(storage_tier=StorageTier.WARM)
    return True


def jobs_move_warm(*, now: Any = None, limit: int | None = None) -> int:
    """Move the due hot jobs warm, oldest first; returns how many moved."""
    if settings.BEACON_WARM_AFTER_DAYS <= 0:
        return 0
    now = now or timezone.now()
    due = (
        Job.objects.filter(
            unheld(),
            storage_tier=StorageTier.HOT,
            status__in=list(TERMINAL_STATUSES),
            stage="done",
            finished_at__lt=now - timedelta(days=settings.BEACON_WARM_AFTER_DAYS),
        )
        .select_related("payload")
        .order_by("finished_at")[: limit or settings.BEACON_TIER_BATCH]
    )
    moved = 0
    for job in due:
        try:
            moved += job_move_warm(job)
        except (ArchiveError, OSError) as exc:
            logger.warning("job %s stays hot: %s", job.id, exc)
    return moved


def job_document(job: Job) -> dict[str, Any]:
    """A warm job's document, checked against its checksum."""
    archive = JobArchive.objects.filter(job=job).first()
    if archive is None:
        raise ArchiveError(f"job {job.id} has no archive")
    try:
        with archive_storage().open(archive.key, "rb") as handle:
            blob = handle.read()
    except OSError as exc:
        raise ArchiveError(f"the archive object {archive.key} cannot be read") from exc
    if hashlib.sha256(blob).hexdigest() != archive.sha256:
        raise ArchiveError(f"the archive object {archive.key} does not match its checksum")
    document: dict[str, Any] = json.loads(gzip.decompress(blob))
    return document


def job_restore_hot(job: Job) -> bool:
    """Bring a warm job back to PostgreSQL exactly as it was; False if not warm."""
    document = job_document(job)
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk, storage_tier=StorageTier.WARM).first()
        if locked is None:
            return False
        result = document.get("result")
        if result is not None:
            JobResult.objects.filter(job=locked).update(output=result["output"], validation=result["validation"])
        _events_insert(locked, document["events"])
        archive = JobArchive.objects.get(job=locked)
        key = archive.key
        archive.delete()
        Job.objects.filter(pk=locked.pk).update(storage_tier=StorageTier.HOT)
    archive_storage().delete(key)
    return True


def _events_insert(job: Job, events: list[dict[str, Any]]) -> None:
    """The archived events back with their own ids and times (plain INSERTs:
    the model would stamp `created_at` with the present)."""
    if not events:
        return
    rows = [
        (
            event["id"],
            job.pk,
            event["type"],
            event["fromStatus"],
            event["toStatus"],
            event["stage"],
            json.dumps(event["data"]),
            event["correlationId"],
            event["createdAt"],
        )
        for event in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO jobs_jobevent (id, job_id, type, from_status, to_status, stage, data, correlation_id,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)",
            rows,
        )
