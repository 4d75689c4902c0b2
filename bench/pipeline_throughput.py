"""End-to-end pipeline throughput with a zero-latency scripted model.

Submits N jobs through the service layer, starts a real worker (2 processes,
all queues), and measures from the first stage starting to the last job
settling: every job runs its stages (prepare .. finalize, and deliver when
it has a webhook) as Celery tasks.

    make bench   # or: python -m beacon.runtime bench -- .venv/bin/python bench/pipeline_throughput.py
"""

import argparse
import time
from dataclasses import dataclass

from stack import api_key, celery_worker, cpu_seconds, enrichment_submit, postgres_cpu_seconds, processes, setup_django


@dataclass
class Throughput:
    rate: float  # jobs settled per second
    settled: int
    held: int  # in review
    worker_cpu_ms: float  # the worker's CPU per job, pool processes included
    postgres_cpu_ms: float  # PostgreSQL's CPU per job, over the run


def run(jobs: int, concurrency: int = 2) -> Throughput:
    from django.db.models import Max, Min
    from django.utils import timezone

    from jobs.models import Job
    from tenants.selectors import api_key_by_raw

    key = api_key_by_raw(raw_key=api_key())
    assert key is not None
    ids = []
    since = timezone.now()
    for i in range(jobs):
        ids.append(enrichment_submit(key, i, tag="bench").id)

    # A job is settled when no stage of it is left to run: ended, or held for
    # a person (the audit sample sends about 2% to review; none completes
    # without a reviewer, so waiting for "completed" would never end).
    settled = ["completed", "failed", "cancelled", "rejected", "reviewing"]
    # Polled cheaply (an index range, once a second): the poll shares the
    # cores with the worker it measures.
    batch = Job.objects.filter(organization_id=key.organization_id, created_at__gte=since)
    postgres_before = postgres_cpu_seconds()
    with processes(celery_worker(concurrency)) as (worker,):
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if not batch.exclude(status__in=settled).exists():
                break
            time.sleep(1)
        worker_cpu = cpu_seconds(worker.pid)
        # Before the worker stops: its connections' backends end with it.
        postgres_after = postgres_cpu_seconds()
    postgres_cpu = sum(cpu - postgres_before.get(pid, 0.0) for pid, cpu in postgres_after.items())
    batch = Job.objects.filter(id__in=ids)
    done = batch.filter(status__in=settled).count()
    held = batch.filter(status="reviewing").count()
    span = batch.aggregate(first=Min("started_at"), last=Max("updated_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    # The worker's CPU includes its start (imports, model and index loads).
    return Throughput(done / seconds, done, held, worker_cpu * 1000 / jobs, postgres_cpu * 1000 / jobs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    setup_django()
    result = run(args.jobs, args.concurrency)
    print(
        f"pipeline throughput: {result.rate:.1f} jobs/s; {result.settled}/{args.jobs} jobs settled "
        f"({result.held} held for review), 6 stages each (no webhook to deliver), worker -c {args.concurrency}"
    )
    print(
        f"  CPU per job: worker {result.worker_cpu_ms:.1f} ms (its start included), "
        f"PostgreSQL {result.postgres_cpu_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
