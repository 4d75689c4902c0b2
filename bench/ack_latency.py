"""Acknowledgement latency of POST /api/v1/generations at a fixed rate.

Open loop: requests are sent on a fixed schedule whatever the answers do, so a
slow server shows up as latency rather than as a lower rate. Workers run and
drain the jobs meanwhile (scripted, zero-latency model), as in production.

    make bench   # or: python -m beacon.runtime bench -- .venv/bin/python bench/ack_latency.py

`--compare-without-audit N` runs N rounds, each a run without the audit
log's middlewares (bench/settings_without_audit.py) then one with them, and
prints both sides' medians of p50 and p95 and their ratio: the cost of the
audit log against a bare baseline measured in the same run.
"""

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from stack import api_key, celery_worker, gunicorn, percentile, processes, setup_django, wait_http

from beacon.runtime.servers import free_port

BODY = {
    "templateId": "metadata_enrichment",
    "parameters": {"content": "Blue cotton shirt by Acme, size M. Machine washable.", "locale": "en-US"},
}


BENCH_DIR = Path(__file__).resolve().parent
WITHOUT_AUDIT = {"DJANGO_SETTINGS_MODULE": "settings_without_audit", "PYTHONPATH": str(BENCH_DIR)}


def measure(
    key: str, *, rate: float, seconds: float, warmup: int, env: dict[str, str]
) -> tuple[list[float], int, float]:
    """(latencies in ms, answers other than 202, achieved rate) of one run."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/generations"
    with processes(gunicorn(port), celery_worker(), **env):
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
            for _ in range(warmup):
                post()
            total = int(rate * seconds)
            interval = 1 / rate
            start = time.perf_counter()
            futures = []
            for i in range(total):
                delay = start + i * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(post))
            results = [f.result() for f in futures]
            elapsed = time.perf_counter() - start
    return [ms for ms, _ in results], sum(1 for _, status in results if status != 202), total / elapsed


def line(latencies: list[float], errors: int) -> str:
    return (
        f"p50 {percentile(latencies, 50):.1f} ms  p95 {percentile(latencies, 95):.1f} ms  "
        f"p99 {percentile(latencies, 99):.1f} ms  max {max(latencies):.1f} ms  non-202: {errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--compare-without-audit", type=int, default=0, metavar="ROUNDS")
    args = parser.parse_args()

    setup_django()
    key = api_key()
    run = {"rate": args.rate, "seconds": args.seconds, "warmup": args.warmup}
    if not args.compare_without_audit:
        latencies, errors, achieved = measure(key, env={}, **run)
        print(f"ack latency: {len(latencies)} POSTs at {args.rate:.0f}/s (achieved {achieved:.1f}/s), workers running")
        print(f"  {line(latencies, errors)}")
        return
    sides: dict[str, list[tuple[float, float]]] = {"without audit": [], "with audit": []}
    for round_ in range(1, args.compare_without_audit + 1):
        for side, env in (("without audit", WITHOUT_AUDIT), ("with audit", {})):
            latencies, errors, achieved = measure(key, env=env, **run)
            sides[side].append((percentile(latencies, 50), percentile(latencies, 95)))
            print(f"round {round_} {side:13s} ({achieved:.1f}/s): {line(latencies, errors)}")
    medians = {
        side: (statistics.median(p[0] for p in runs), statistics.median(p[1] for p in runs))
        for side, runs in sides.items()
    }
    for side, (p50, p95) in medians.items():
        print(f"{side:13s} median of {args.compare_without_audit} runs: p50 {p50:.1f} ms  p95 {p95:.1f} ms")
    base, audited = medians["without audit"], medians["with audit"]
    print(f"with/without: p50 x{audited[0] / base[0]:.2f}  p95 x{audited[1] / base[1]:.2f}")


if __name__ == "__main__":
    main()
