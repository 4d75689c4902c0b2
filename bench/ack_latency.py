"""Acknowledgement latency of POST /api/v1/generations at a fixed rate.

Open loop: requests are sent on a fixed schedule whatever the answers do, so a
slow server shows up as latency rather than as a lower rate. Workers run and
drain the jobs meanwhile (scripted, zero-latency model), as in production.

    make bench   # or: python -m beacon.runtime bench -- .venv/bin/python bench/ack_latency.py
"""

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from stack import api_key, celery_worker, gunicorn, percentile, processes, setup_django, wait_http

from beacon.runtime.servers import free_port

BODY = {
    "templateId": "metadata_enrichment",
    "parameters": {"content": "Blue cotton shirt by Acme, size M. Machine washable.", "locale": "en-US"},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    setup_django()
    key = api_key()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/generations"
    with processes(gunicorn(port), celery_worker()):
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")
        local = threading.local()

        def client() -> httpx.Client:
            if not hasattr(local, "client"):
                local.client = httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=10)
            return local.client

        def post() -> tuple[float, int]:
            started = time.perf_counter()
            response = client().post(url, json=BODY)
            return (time.perf_counter() - started) * 1000, response.status_code

        with ThreadPoolExecutor(max_workers=32) as pool:
            for _ in range(args.warmup):
                post()
            total = int(args.rate * args.seconds)
            interval = 1 / args.rate
            start = time.perf_counter()
            futures = []
            for i in range(total):
                delay = start + i * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(post))
            results = [f.result() for f in futures]
            elapsed = time.perf_counter() - start

    latencies = [ms for ms, _ in results]
    errors = sum(1 for _, status in results if status != 202)
    print(f"ack latency: {total} POSTs at {args.rate:.0f}/s (achieved {total / elapsed:.1f}/s), workers running")
    print(f"  p50 {percentile(latencies, 50):.1f} ms  p95 {percentile(latencies, 95):.1f} ms  "
          f"p99 {percentile(latencies, 99):.1f} ms  max {max(latencies):.1f} ms  non-202: {errors}")  # fmt: skip


if __name__ == "__main__":
    main()
