"""The cold tier: monthly compressed archives for compliance retention.

A warm job that ended BEACON_COLD_AFTER_DAYS ago goes cold: its warm
document joins its organization's archive for the month it ended, a tar.gz
whose first member, `manifest.json`, lists every document with its job id and
SHA-256 (the archive's own SHA-256 is in its ColdArchive row). Documents are
stored uncompressed inside the tar so that gzip compresses across them: the
documents of one month look alike, and a month compresses far better whole
than one document at a time.

The order never loses a row: documents are read and checked against their
warm checksums, the archive is written, read back and checked member by
member against its manifest, and only then, in one transaction with the jobs
locked, do their index rows point into it; the warm objects are deleted after
the commit. A run that fails half way leaves the jobs warm; a job that
changed meanwhile stays warm (its copy in the archive is never read). An
archive is never rewritten: later runs for the same month add parts.

Cold jobs are not read by the API (it answers 410 with the restore command);
`job_restore_warm` brings one document back to the warm tier, checked
against the manifest, and `job_restore_hot` (tiers.py) goes on from there.
"""

import gzip
import hashlib
import io
import json
import logging
import tarfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jobs.models import ColdArchive, Job, JobArchive, StorageTier
from jobs.services.legal_holds import unheld
from jobs.services.tiers import ArchiveError, archive_storage, encode_document, warm_key

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class _Member:
    job_id: Any
    name: str
    raw: bytes  # the document's JSON
    sha256: str


def _warm_json(archive: JobArchive) -> bytes:
    """A warm document's JSON, checked against its checksum."""
    with archive_storage().open(archive.key, "rb") as handle:
        blob = handle.read()
    if hashlib.sha256(blob).hexdigest() != archive.sha256:
        raise ArchiveError(f"the archive object {archive.key} does not match its checksum")
    return gzip.decompress(blob)


def _tar(manifest: dict[str, Any], members: list[_Member]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        for name, raw in [(MANIFEST, json.dumps(manifest, indent=1).encode())] + [(m.name, m.raw) for m in members]:
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(raw))
    return buffer.getvalue()


def _read_member(blob: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        handle = tar.extractfile(name)
        if handle is None:
            raise ArchiveError(f"the cold archive has no member {name}")
        return handle.read()


def _verify(blob: bytes, manifest: dict[str, Any]) -> None:
    """Every member the manifest lists is in the archive with its checksum."""
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for entry in manifest["members"]:
            handle = tar.extractfile(entry["name"])
            if handle is None or hashlib.sha256(handle.read()).hexdigest() != entry["sha256"]:
                raise ArchiveError(f"member {entry['name']} did not read back intact")


def _archive_write(organization_id: Any, month: str, members: list[_Member]) -> tuple[str, str, int, int]:
    """Write one part of a month's archive and check it; (key, sha256, size, part)."""
    part = (
        ColdArchive.objects.filter(organization_id=organization_id, month=month).aggregate(last=Max("part"))["last"]
        or 0
    ) + 1
    manifest = {
        "version": MANIFEST_VERSION,
        "organization": str(organization_id),
        "month": month,
        "part": part,
        "createdAt": timezone.now().isoformat(),
        "members": [{"job": str(m.job_id), "name": m.name, "sha256": m.sha256, "bytes": len(m.raw)} for m in members],
    }
    blob = _tar(manifest, members)
    digest = hashlib.sha256(blob).hexdigest()
    key = f"cold/{organization_id}/{month}/part-{part:04d}.tar.gz"
    storage = archive_storage()
    if storage.exists(key):
        storage.delete(key)  # a half-done earlier try whose row was never written
    saved = storage.save(key, ContentFile(blob))
    with storage.open(saved, "rb") as handle:
        back = handle.read()
    if hashlib.sha256(back).hexdigest() != digest:
        storage.delete(saved)
        raise ArchiveError(f"the archive returned other bytes for {saved}")
    _verify(back, manifest)
    return saved, digest, len(blob), part


def _month_move(organization_id: Any, month: str, archives: list[JobArchive]) -> int:
    members = []
    for archive in archives:
        try:
            raw = _warm_json(archive)
        except (ArchiveError, OSError) as exc:
            logger.warning("job %s stays warm: %s", archive.job_id, exc)
            continue
        members.append(_Member(archive.job_id, f"{archive.job_id}.json", raw, hashlib.sha256(raw).hexdigest()))
    if not members:
        return 0
    key, digest, size, part = _archive_write(organization_id, month, members)
    by_job = {m.job_id: m for m in members}
    warm_keys = {a.job_id: a.key for a in archives}
    with transaction.atomic():
        locked = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(unheld(), pk__in=list(by_job), storage_tier=StorageTier.WARM)
            .values_list("pk", flat=True)
        )
        if not locked:
            archive_storage().delete(key)
            return 0
        cold = ColdArchive.objects.create(
            organization_id=organization_id, month=month, part=part, key=key, sha256=digest, size_bytes=size,
            jobs=len(locked),
        )  # fmt: skip
        for job_id in locked:
            JobArchive.objects.filter(job_id=job_id).update(
                tier=StorageTier.COLD, cold_archive=cold, member=by_job[job_id].name
            )
        Job.objects.filter(pk__in=locked).update(storage_tier=StorageTier.COLD)
    for job_id in locked:
        try:
            archive_storage().delete(warm_keys[job_id])
        except OSError as exc:  # the cold copy is the record now; a leftover warm object is only space
            logger.warning("warm object %s was not deleted: %s", warm_keys[job_id], exc)
    return len(locked)


def jobs_move_cold(*, now: Any = None, limit: int | None = None) -> int:
    """Move the due warm jobs into their organizations' monthly archives,
    one part per organization and month per run; returns how many moved."""
    if settings.BEACON_COLD_AFTER_DAYS <= 0:
        return 0
    now = now or timezone.now()
    due = (
        JobArchive.objects.filter(
            tier=StorageTier.WARM,
            job__storage_tier=StorageTier.WARM,
            job__finished_at__lt=now - timedelta(days=settings.BEACON_COLD_AFTER_DAYS),
            job__deleted_at__isnull=True,
        )
        .filter(unheld("job__"))
        .select_related("job")
        .order_by("job__finished_at")[: limit or settings.BEACON_COLD_BATCH]
    )
    groups: dict[tuple[Any, str], list[JobArchive]] = defaultdict(list)
    for archive in due:
        groups[(archive.job.organization_id, f"{archive.job.finished_at:%Y-%m}")].append(archive)
    moved = 0
    for (organization_id, month), archives in groups.items():
        try:
            moved += _month_move(organization_id, month, archives)
        except (ArchiveError, OSError) as exc:
            logger.warning("%s jobs of %s/%s stay warm: %s", len(archives), organization_id, month, exc)
    return moved


def cold_archive_read(cold: ColdArchive) -> tuple[bytes, dict[str, Any]]:
    """An archive's bytes and manifest, checked against its row's checksum."""
    try:
        with archive_storage().open(cold.key, "rb") as handle:
            blob = handle.read()
    except OSError as exc:
        raise ArchiveError(f"the cold archive {cold.key} cannot be read") from exc
    if hashlib.sha256(blob).hexdigest() != cold.sha256:
        raise ArchiveError(f"the cold archive {cold.key} does not match its checksum")
    manifest: dict[str, Any] = json.loads(_read_member(blob, MANIFEST))
    return blob, manifest


def job_restore_warm(job: Job) -> bool:
    """Bring a cold job's document back to the warm tier (checked against the
    archive's manifest); False when the job is not cold. The archive keeps
    its copy: archives are never rewritten."""
    archive = JobArchive.objects.select_related("cold_archive").filter(job=job, tier=StorageTier.COLD).first()
    if archive is None or archive.cold_archive is None:
        return False
    blob, manifest = cold_archive_read(archive.cold_archive)
    entry = next((m for m in manifest["members"] if m["name"] == archive.member), None)
    if entry is None:
        raise ArchiveError(f"the manifest of {archive.cold_archive.key} does not list {archive.member}")
    raw = _read_member(blob, archive.member)
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise ArchiveError(f"member {archive.member} of {archive.cold_archive.key} does not match the manifest")
    document = json.loads(raw)
    warm = encode_document(document)
    digest = hashlib.sha256(warm).hexdigest()
    key = warm_key(job)
    storage = archive_storage()
    if storage.exists(key):
        storage.delete(key)
    saved = storage.save(key, ContentFile(warm))
    with transaction.atomic():
        updated = JobArchive.objects.filter(job=job, tier=StorageTier.COLD).update(
            tier=StorageTier.WARM, key=saved, sha256=digest, size_bytes=len(warm), cold_archive=None, member=""
        )
        Job.objects.filter(pk=job.pk, storage_tier=StorageTier.COLD).update(storage_tier=StorageTier.WARM)
    job.storage_tier = StorageTier.WARM
    return updated == 1
