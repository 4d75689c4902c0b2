"""Storage tiers at volume: age synthetic ended jobs, move them hot -> warm
-> cold and a sample back from each tier, with throughput and database size
before and after.

    python -m beacon.runtime bench -- .venv/bin/python bench/tiers.py [--jobs 100000] [--restore 2000]

Each synthetic job looks like a completed enrichment: a job row, a result
(an output with four attributes and their evidence, a validation trace) and
eight events. They are written in bulk (this measures the move, not intake),
then moved by the same service beat runs (`jobs_move_warm`, batches of
BEACON_TIER_BATCH) to the archive storage (the filesystem under .beacon/
unless BEACON_ARCHIVE_BACKEND says otherwise). The jobs ended over twelve
months, so the cold move writes one archive (or a few parts) per month.
Printed: jobs moved per second each way, the jobs tables' size in PostgreSQL before and
after (pg_total_relation_size, after VACUUM FULL so freed pages count), and
the archive's size. The synthetic jobs are deleted at the end.
"""

import argparse
import time
import uuid
from datetime import timedelta

from stack import setup_django

TABLES = ("jobs_job", "jobs_jobresult", "jobs_jobevent", "jobs_jobarchive")


def output(n: int) -> dict:
    evidence = f"Navy cotton shirt by Maker{n % 97}, size M."
    return {
        "attributes": {
            name: {"value": value, "evidence": value, "span": {"start": 0, "end": len(value)}, "confirmed": True}
            for name, value in (("brand", f"Maker{n % 97}"), ("colour", "Navy"), ("material", "cotton"), ("size", "M"))
        },
        "source": evidence,
    }


def seed(count: int) -> str:
    from django.db import connection
    from django.utils import timezone

    from jobs.models import Job, JobEvent, JobResult
    from tenants.services import organization_ensure, project_ensure

    organization = organization_ensure(slug="bench-tiers")
    project = project_ensure(organization=organization, slug="default")
    chunk = 2000
    for start in range(0, count, chunk):
        ended = timezone.now() - timedelta(days=400 + 365 * start // count)  # twelve months, in order
        jobs = [
            Job(
                id=uuid.uuid4(),
                organization=organization,
                project=project,
                task_kind="metadata_enrichment",
                template_version="2.0.0",
                status="completed",
                stage="done",
                created_at=ended,
                started_at=ended,
                finished_at=ended,
                generation_count=1,
                prompt_tokens=430,
                completion_tokens=70,
            )
            for _ in range(min(chunk, count - start))
        ]
        Job.objects.bulk_create(jobs)
        JobResult.objects.bulk_create(
            JobResult(
                job=job, output=output(start + i), validation={"passes": 1, "trace": [{"rule": "x", "passed": True}]}
            )
            for i, job in enumerate(jobs)
        )
        kinds = ("submitted", "status_changed", "pii_redacted", "injection_scan", "status_changed",
                 "model_called", "decided", "status_changed")  # fmt: skip
        JobEvent.objects.bulk_create(
            JobEvent(job=job, type=kind, stage="done", data={"n": k}) for job in jobs for k, kind in enumerate(kinds)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return str(organization.id)


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM FULL {table}")
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)", [list(TABLES)]
        )
        return dict(cursor.fetchall())


def mib(value: float) -> str:
    return f"{value / 2**20:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--restore", type=int, default=1_000)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db.models import Sum
    from django.test.utils import override_settings

    from jobs.models import ColdArchive, Job, JobArchive, JobEvent, JobResult
    from jobs.services.cold_tier import job_restore_warm, jobs_move_cold
    from jobs.services.tiers import archive_storage, job_restore_hot, jobs_move_warm

    started = time.monotonic()
    organization_id = seed(args.jobs)
    print(f"seeded {args.jobs:,} ended jobs in {time.monotonic() - started:.0f} s")
    before = table_sizes()
    print("hot:  " + ", ".join(f"{t} {mib(before.get(t, 0))}" for t in TABLES) + f"; total {mib(sum(before.values()))}")

    mine = Job.objects.filter(organization_id=organization_id)
    with override_settings(BEACON_WARM_AFTER_DAYS=30):
        started = time.monotonic()
        moved = 0
        while batch := jobs_move_warm():
            moved += batch
        move_seconds = time.monotonic() - started
    print(f"moved warm: {moved:,} jobs in {move_seconds:.1f} s = {moved / move_seconds:,.0f} jobs/s")
    after = table_sizes()
    archive = JobArchive.objects.filter(job__organization_id=organization_id).aggregate(b=Sum("size_bytes"))["b"] or 0
    print("warm: " + ", ".join(f"{t} {mib(after.get(t, 0))}" for t in TABLES) + f"; total {mib(sum(after.values()))}")
    print(f"archive: {mib(archive)} in {moved:,} objects ({archive / max(moved, 1):,.0f} bytes per job, gzip JSON)")

    sample = list(mine.filter(storage_tier="warm")[: args.restore])
    started = time.monotonic()
    for job in sample:
        job_restore_hot(job)
    restore_seconds = time.monotonic() - started
    print(
        f"restored hot from warm: {len(sample):,} jobs in {restore_seconds:.1f} s"
        f" = {len(sample) / restore_seconds:,.0f} jobs/s"
    )

    with override_settings(BEACON_COLD_AFTER_DAYS=30):
        started = time.monotonic()
        cold_moved = 0
        while batch := jobs_move_cold():
            cold_moved += batch
        cold_seconds = time.monotonic() - started
    print(f"moved cold: {cold_moved:,} jobs in {cold_seconds:.1f} s = {cold_moved / cold_seconds:,.0f} jobs/s")
    parts = ColdArchive.objects.filter(organization_id=organization_id)
    cold_bytes = parts.aggregate(b=Sum("size_bytes"))["b"] or 0
    months = parts.values("month").distinct().count()
    print(
        f"cold: {mib(cold_bytes)} in {parts.count()} archive part(s) over {months} months"
        f" ({cold_bytes / max(cold_moved, 1):,.0f} bytes per job, tar.gz with manifest)"
    )
    cold_tables = table_sizes()
    print("cold: " + ", ".join(f"{t} {mib(cold_tables.get(t, 0))}" for t in TABLES)
          + f"; total {mib(sum(cold_tables.values()))}")  # fmt: skip
    # A restore reads and checks the whole monthly archive, so it is slow per
    # job; an operator restores the few jobs a request names.
    cold_sample = list(mine.filter(storage_tier="cold")[: max(1, args.restore // 100)])
    started = time.monotonic()
    for job in cold_sample:
        job_restore_warm(job)
        job_restore_hot(job)
    cold_restore_seconds = time.monotonic() - started
    print(
        f"restored hot from cold: {len(cold_sample):,} jobs in {cold_restore_seconds:.1f} s"
        f" = {cold_restore_seconds / max(len(cold_sample), 1):.2f} s per job"
    )

    # Clean up: the archive objects, then the rows (events through the purge's door).
    from django.db import connection, transaction

    from jobs.services.retention import EVENTS_PURGE_FLAG

    storage = archive_storage()
    for key in JobArchive.objects.filter(job__organization_id=organization_id, tier="warm").values_list(
        "key", flat=True
    ):
        storage.delete(key)
    for key in parts.values_list("key", flat=True):
        storage.delete(key)
    with transaction.atomic():
        JobArchive.objects.filter(job__organization_id=organization_id).delete()
        parts.delete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [EVENTS_PURGE_FLAG])
            JobEvent.objects.filter(job__organization_id=organization_id).delete()
        JobResult.objects.filter(job__organization_id=organization_id).delete()
        mine.delete()
    print(f"(archive storage: {settings.STORAGES['archive']['BACKEND']})")


if __name__ == "__main__":
    main()
