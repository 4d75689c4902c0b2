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
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

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
from jobs.services.legal_holds import unheld
from jobs.services.retention import EVENTS_PURGE_FLAG
from jobs.state import job_state_load

logger = logging.getLogger(__name__)

DOCUMENT_VERSION = 2  # 2: model answers carry their source (model, repair, fallback)


class ArchiveError(Exception):
    """The archive holds no valid document for a job (missing or corrupt)."""


def archive_storage() -> Any:
    return storages["archive"]


def warm_key(job: Job) -> str:
    return f"warm/{job.organization_id}/{job.finished_at:%Y-%m}/{job.id}.json.gz"


def _event_data(event: JobEvent) -> dict[str, Any]:
    """The events API's own shape (JobEventSerializer's, written out: a
    serializer per event is most of a move's time), so a warm job's events
    read the same."""
    created = timezone.localtime(event.created_at, UTC).isoformat()
    return {
        "id": event.id,
        "type": event.type,
        "fromStatus": event.from_status,
        "toStatus": event.to_status,
        "stage": event.stage,
        "data": event.data,
        "correlationId": event.correlation_id,
        "createdAt": created[:-6] + "Z" if created.endswith("+00:00") else created,
    }


def job_document_build(job: Job, events: list[JobEvent] | None = None) -> dict[str, Any]:
    """The warm document of a job (`events`: already read, in id order)."""
    result = getattr(job, "result", None)
    payload = getattr(job, "payload", None)
    answers = (
        [
            {"text": a.text, "source": "fallback" if a.fallback else "repair" if a.repair else "model"}
            for a in job_state_load(job).attempts
        ]
        if payload is not None and payload.purged_at is None
        else []
    )
    if events is None:
        events = list(JobEvent.objects.filter(job=job).order_by("id"))
    return {
        "version": DOCUMENT_VERSION,
        "job": job_representation(job=job),
        "result": {"output": result.output, "validation": result.validation} if result is not None else None,
        "events": [_event_data(e) for e in events],
        "modelAnswers": answers,  # redacted like every stored prompt and answer
    }


def encode_document(document: dict[str, Any]) -> bytes:
    raw = json.dumps(document, separators=(",", ":"), default=str).encode()
    return gzip.compress(raw, compresslevel=6, mtime=0)


@dataclass(frozen=True)
class _Written:
    job_id: Any
    key: str
    sha256: str
    size: int
    events: int
    text: str


def _write(job: Job, events: list[JobEvent]) -> _Written:
    """Write a job's document and read it back; raises ArchiveError or OSError."""
    document = job_document_build(job, events)
    blob = encode_document(document)
    digest = hashlib.sha256(blob).hexdigest()
    key = warm_key(job)
    storage = archive_storage()
    if storage.exists(key):
        storage.delete(key)  # a half-done earlier try: write it again
    saved = storage.save(key, ContentFile(blob))
    with storage.open(saved, "rb") as handle:
        if hashlib.sha256(handle.read()).hexdigest() != digest:
            storage.delete(saved)
            raise ArchiveError(f"the archive returned other bytes for {saved}; the job stays hot")
    text = " ".join(value for _, value in strings_of((document["result"] or {}).get("output")))
    return _Written(job.pk, saved, digest, len(blob), len(events), text)


def _thin(written: list[_Written]) -> int:
    """In one transaction: the jobs still hot and unheld (locked) get their
    archive row, lose their result and events, and turn warm. Documents
    whose job changed meanwhile are deleted again."""
    by_id = {w.job_id: w for w in written}
    with transaction.atomic():
        locked = set(
            Job.objects.select_for_update(skip_locked=True)
            .filter(unheld(), pk__in=list(by_id), storage_tier=StorageTier.HOT)
            .values_list("pk", flat=True)
        )
        for job_id in set(by_id) - locked:
            archive_storage().delete(by_id[job_id].key)
        if not locked:
            return 0
        JobArchive.objects.bulk_create(
            JobArchive(
                job_id=w.job_id,
                key=w.key,
                sha256=w.sha256,
                size_bytes=w.size,
                events=w.events,
                search=SearchVector(Value(w.text), config="simple"),
            )
            for w in written
            if w.job_id in locked
        )
        JobResult.objects.filter(job_id__in=locked).update(output=None, validation={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [EVENTS_PURGE_FLAG])
            JobEvent.objects.filter(job_id__in=locked).delete()
            cursor.execute("SELECT set_config(%s, 'off', true)", [EVENTS_PURGE_FLAG])
        Job.objects.filter(pk__in=locked).update(storage_tier=StorageTier.WARM)
    return len(locked)


def jobs_move_warm(*, now: Any = None, limit: int | None = None, chunk: int = 200) -> int:
    """Move the due hot jobs warm, oldest first, `chunk` at a time (their
    documents written and verified, then one transaction thins them all);
    returns how many moved."""
    if settings.BEACON_WARM_AFTER_DAYS <= 0:
        return 0
    now = now or timezone.now()
    due = list(
        Job.objects.filter(
            unheld(),
            storage_tier=StorageTier.HOT,
            deleted_at__isnull=True,  # the trash purges it; archiving it first would only be undone
            status__in=list(TERMINAL_STATUSES),
            stage="done",
            finished_at__lt=now - timedelta(days=settings.BEACON_WARM_AFTER_DAYS),
        )
        .order_by("finished_at")
        .values_list("pk", flat=True)[: limit or settings.BEACON_TIER_BATCH]
    )
    moved = 0
    for start in range(0, len(due), chunk):
        ids = due[start : start + chunk]
        jobs = Job.objects.filter(pk__in=ids).select_related("result", "payload")
        events: dict[Any, list[JobEvent]] = {job_id: [] for job_id in ids}
        for event in JobEvent.objects.filter(job_id__in=ids).order_by("job_id", "id"):
            events[event.job_id].append(event)
        written = []
        for job in jobs:
            try:
                written.append(_write(job, events[job.pk]))
            except (ArchiveError, OSError) as exc:
                logger.warning("job %s stays hot: %s", job.pk, exc)
        if written:
            moved += _thin(written)
    return moved


def job_move_warm(job: Job) -> bool:
    """Move one ended hot job warm now; False when it is not movable."""
    try:
        written = _write(job, list(JobEvent.objects.filter(job=job).order_by("id")))
    except (ArchiveError, OSError) as exc:
        logger.warning("job %s stays hot: %s", job.pk, exc)
        return False
    return _thin([written]) == 1


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
