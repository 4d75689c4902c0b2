"""Load, then a burst: sustained submissions at a fixed rate through the real
API with real workers and the scripted zero-latency model, then ten times
that rate for a minute. Open loop: requests leave on schedule whatever the
answers do, so a slow server shows as latency, not as a lower rate.

Reports per phase: acknowledgement p50/p95/p99, answers by status (no 5xx
allowed), end-to-end p50/p95/p99 (submission to terminal, from the
database); then whether every accepted job reached a terminal state and how
long the queues took to drain after the burst.

    python -m beacon.runtime bench -- .venv/bin/python bench/load_burst.py \
        [--rate 5] [--seconds 60] [--burst-seconds 60]
"""

import argparse
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
from stack import api_key, celery_worker, gunicorn, percentile, processes, setup_django, wait_http

from beacon.runtime.servers import free_port

BODY = {
    "templateId": "metadata_enrichment",
    "parameters": {"content": "Blue cotton shirt by Acme, size M. Machine washable.", "locale": "en-US"},
    "options": {"cache": "bypass"},
}


def send(url: str, key: str, rate: float, seconds: float) -> list[tuple[float, int, str]]:
    """(ack ms, status, job id) per request, sent at `rate` per second."""
    local = threading.local()

    def post() -> tuple[float, int, str]:
        if not hasattr(local, "client"):
            local.client = httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30)
        started = time.perf_counter()
        try:
            response = local.client.post(url, json=BODY)
        except httpx.HTTPError:
            return (time.perf_counter() - started) * 1000, 0, ""
        job_id = response.json().get("data", {}).get("id", "") if response.status_code == 202 else ""
        return (time.perf_counter() - started) * 1000, response.status_code, job_id

    total = int(rate * seconds)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        futures = []
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(post))
        return [f.result() for f in futures]


def report(name: str, rate: float, results: list[tuple[float, int, str]]) -> None:
    from jobs.models import Job

    acks = [ms for ms, _, _ in results]
    statuses = Counter(status for _, status, _ in results)
    ids = [job_id for _, _, job_id in results if job_id]
    rows = Job.objects.filter(id__in=ids, finished_at__isnull=False).values_list("created_at", "finished_at")
    ends = [(done - created).total_seconds() * 1000 for created, done in rows if done is not None]
    server_errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    print(
        f"{name}: {len(results)} POSTs at {rate:g}/s; answers {dict(sorted(statuses.items()))}; 5xx/transport "
        f"errors {server_errors}"
    )
    print(
        f"  ack        p50 {percentile(acks, 50):8.1f} ms  p95 {percentile(acks, 95):8.1f} ms  "
        f"p99 {percentile(acks, 99):8.1f} ms"
    )
    if ends:
        print(
            f"  end-to-end p50 {percentile(ends, 50):8.1f} ms  p95 {percentile(ends, 95):8.1f} ms  "
            f"p99 {percentile(ends, 99):8.1f} ms  ({len(ends)} of {len(ids)} ended)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=5.0, help="sustained submissions per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--burst-seconds", type=float, default=60.0, help="at ten times the rate")
    parser.add_argument("--drain-timeout", type=float, default=1800.0)
    args = parser.parse_args()

    setup_django()
    from jobs.models import TERMINAL_STATUSES, Job

    key = api_key()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/generations"
    workers = (celery_worker(2, queues="default,webhooks"), celery_worker(1, queues="llm"))
    # No audit sample: a job held for review is not terminal, and the drain waits for terminal.
    with processes(gunicorn(port), *workers, BEACON_REVIEW_SAMPLING="false"):
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")
        send(url, key, rate=args.rate, seconds=5)  # warm-up, not reported
        sustained = send(url, key, args.rate, args.seconds)
        burst = send(url, key, args.rate * 10, args.burst_seconds)
        burst_end = time.monotonic()
        accepted = [job_id for _, _, job_id in sustained + burst if job_id]
        terminal = [str(s) for s in TERMINAL_STATUSES]
        while time.monotonic() - burst_end < args.drain_timeout:
            if not Job.objects.filter(id__in=accepted).exclude(status__in=terminal).exists():
                break
            time.sleep(1)
        drained = time.monotonic() - burst_end
    report("sustained", args.rate, sustained)
    report("burst", args.rate * 10, burst)
    left = Job.objects.filter(id__in=accepted).exclude(status__in=terminal).count()
    statuses = Counter(Job.objects.filter(id__in=accepted).values_list("status", flat=True))
    print(f"accepted {len(accepted)}; not terminal after the drain: {left}; statuses {dict(statuses)}")
    print(f"queues drained {drained:.0f} s after the burst ended")


if __name__ == "__main__":
    main()
