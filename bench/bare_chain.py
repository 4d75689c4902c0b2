"""Baseline: a bare 7-stage no-op Celery chain, the ceiling for pipeline throughput.

Each "job" is seven tasks in a row; a task does nothing but send the next
one, on the same broker as Beacon (REDIS_URL) with Beacon's delivery
settings (late acks, reject on worker lost, prefetch 1, JSON) and a worker
run as the pipeline bench runs one (-c 2, niced). It shows what Celery and
the broker cost by themselves on this machine, so that
bench/pipeline_throughput.py's figure can be read as a share of it.

    python -m beacon.runtime bench -- .venv/bin/python bench/bare_chain.py --jobs 500
"""

import argparse
import os
import time
from pathlib import Path

from celery import Celery

BENCH_DIR = Path(__file__).resolve().parent
STAGES = 7
DONE_KEY = "bench:bare_chain:done"

app = Celery("bare_chain", broker=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_default_queue="bare_chain",
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


def _redis():
    import redis

    return redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


@app.task(name="bare_chain.stage")
def stage(job: int, step: int) -> None:
    if step + 1 < STAGES:
        stage.delay(job, step + 1)
    else:
        _redis().incr(DONE_KEY)


def run(jobs: int, concurrency: int = 2) -> float:
    """Jobs per second from the first message to the last job's last stage."""
    from stack import celery_worker, processes

    client = _redis()
    client.delete(DONE_KEY)
    app.control.purge()
    worker = celery_worker(concurrency, queues="bare_chain", app="bare_chain")
    with processes(worker, PYTHONPATH=str(BENCH_DIR)):
        # The worker's start is not part of the figure: the clock starts once
        # a first job has gone through both processes' hands.
        for job in range(2):
            stage.delay(-1 - job, 0)
        _wait_done(client, 2, time.monotonic() + 120)
        client.delete(DONE_KEY)
        started = time.monotonic()
        for job in range(jobs):
            stage.delay(job, 0)
        _wait_done(client, jobs, started + 600)
        seconds = time.monotonic() - started
    done = int(client.get(DONE_KEY) or 0)
    client.delete(DONE_KEY)
    return done / seconds


def _wait_done(client, jobs: int, deadline: float) -> None:
    while int(client.get(DONE_KEY) or 0) < jobs and time.monotonic() < deadline:
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    rate = run(args.jobs, args.concurrency)
    print(f"bare {STAGES}-stage no-op chain: {rate:.1f} jobs/s ({args.jobs} jobs, worker -c {args.concurrency})")


if __name__ == "__main__":
    main()
