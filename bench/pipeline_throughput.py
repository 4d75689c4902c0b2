"""End-to-end pipeline throughput with a zero-latency scripted model.

Submits N jobs through the service layer, starts a real worker (2 processes,
all queues), and measures from the first stage starting to the last job
settling: every job runs its stages (prepare .. finalize, and deliver when
it has a webhook) as Celery tasks.

    make bench   # or: python -m beacon.runtime bench -- .venv/bin/python bench/pipeline_throughput.py
"""

import argparse
import time

from stack import api_key, celery_worker, processes, setup_django


def run(jobs: int, concurrency: int = 2) -> tuple[float, int, int]:
    """(jobs/s, jobs settled, jobs held for review) of one run."""
    from django.db.models import Max, Min

    from jobs.models import Job
    from jobs.services.submission import job_submit
    from prompts.task_kinds import task_kinds
    from tenants.selectors import api_key_by_raw

    key = api_key_by_raw(raw_key=api_key())
    assert key is not None
    kind = task_kinds()["metadata_enrichment"]
    ids = []
    for i in range(jobs):
        submission = job_submit(
            api_key=key,
            kind=kind,
            parameters={"content": f"Shirt {i}, blue cotton", "locale": "en-US"},
            options={},
            priority="normal",
            webhook_url="",
            output_schema=None,
            correlation_id=f"bench-{i}",
            idempotency_key=None,
            request_hash="",
        )
        ids.append(submission.job.id)

    # A job is settled when no stage of it is left to run: ended, or held for
    # a person (the audit sample sends about 2% to review; none completes
    # without a reviewer, so waiting for "completed" would never end).
    settled = ["completed", "failed", "cancelled", "rejected", "reviewing"]
    with processes(celery_worker(concurrency)):
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if not Job.objects.filter(id__in=ids).exclude(status__in=settled).exists():
                break
            time.sleep(0.5)
    batch = Job.objects.filter(id__in=ids)
    done = batch.filter(status__in=settled).count()
    held = batch.filter(status="reviewing").count()
    span = batch.aggregate(first=Min("started_at"), last=Max("updated_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    return done / seconds, done, held


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    setup_django()
    rate, done, held = run(args.jobs, args.concurrency)
    print(
        f"pipeline throughput: {rate:.1f} jobs/s; {done}/{args.jobs} jobs settled ({held} held for review), "
        f"6 stages each (no webhook to deliver), worker -c {args.concurrency}"
    )


if __name__ == "__main__":
    main()
