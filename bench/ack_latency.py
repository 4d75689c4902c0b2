"""Acknowledgement latency of POST /api/v1/generations at a fixed rate,
beside a bare baseline measured in the same run.

Open loop: requests are sent on a fixed schedule whatever the answers do, so a
slow server shows up as latency (and as an achieved rate below the one
asked) rather than as a lower rate. Three servings at the same rate:

  bare insert       bench/bare_insert.py: DRF, one row inserted, nothing else
  workers stopped   Beacon alone: its acknowledgement path
  workers draining  Beacon while a worker (scripted, zero-latency model) runs
                    the jobs, as in production on shared cores

and the ratios of Beacon's p95 to the bare insert's.

    make bench   # or: python -m beacon.runtime bench -- .venv/bin/python bench/ack_latency.py

`--compare-without-audit N` runs N rounds, each a run without the audit
log's middlewares (bench/settings_without_audit.py) then one with them, and
prints both sides' medians of p50 and p95 and their ratio: the cost of the
audit log against a bare baseline measured in the same run.
`--compare-background N` does the same for the worker's CPU priority: nice
19 only, then SCHED_IDLE as make run starts it (beacon/runtime/background.py).
"""

import argparse
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
# The worker at nice 19 only, as make run ran it before beacon/runtime/background.py.
NICE_ONLY = {"BEACON_BACKGROUND_PRIORITY": "nice"}
BARE_TABLE_DDL = "CREATE TABLE IF NOT EXISTS bench_bare_insert (id bigserial PRIMARY KEY, body jsonb NOT NULL)"


@dataclass
class Run:
    latencies: list[float]
    errors: int  # answers other than 202
    achieved: float  # requests answered per second

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)


CLIENT_THREADS = 64


def open_loop(post: Callable[[float], tuple[float, int, float]], *, rate: float, seconds: float, warmup: int) -> Run:
    """Send `rate` requests a second for `seconds`. A latency runs from the
    moment its request was due, so time spent waiting for a free client
    thread counts (no coordinated omission); the achieved rate is requests
    answered per second, up to the last answer. The warm-up goes through
    every client thread at once, so each thread, connection and server
    process has answered before the clock starts (a cold client thread's
    setup would otherwise be counted as the server's latency)."""
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        list(pool.map(lambda _: post(time.perf_counter()), range(max(warmup, 2 * CLIENT_THREADS))))
        total = int(rate * seconds)
        interval = 1 / rate
        start = time.perf_counter()
        futures = []
        for i in range(total):
            due = start + i * interval
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(post, due))
        results = [f.result() for f in futures]
    last = max(end for _, _, end in results)
    return Run(
        [ms for ms, _, _ in results], sum(1 for _, status, _ in results if status != 202), total / (last - start)
    )


def poster(url: str, headers: dict[str, str]) -> Callable[[float], tuple[float, int, float]]:
    """One client shared by the load generator's threads (httpx clients are
    thread-safe), with a connection for each."""
    limits = httpx.Limits(max_connections=CLIENT_THREADS, max_keepalive_connections=CLIENT_THREADS)
    client = httpx.Client(headers=headers, timeout=10, limits=limits)

    def post(due: float) -> tuple[float, int, float]:
        response = client.post(url, json=BODY)
        end = time.perf_counter()
        return (end - due) * 1000, response.status_code, end

    return post


def measure(key: str, *, rate: float, seconds: float, warmup: int, env: dict[str, str], workers: bool = True) -> Run:
    """Beacon's acknowledgements; with a worker draining the jobs, or none."""
    from beacon.celery import app

    port = free_port()
    commands = [gunicorn(port), celery_worker()] if workers else [gunicorn(port)]
    with processes(*commands, **env):
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")
        post = poster(f"http://127.0.0.1:{port}/api/v1/generations", {"Authorization": f"Bearer {key}"})
        run = open_loop(post, rate=rate, seconds=seconds, warmup=warmup)
    # The next run starts with no backlog of this one's messages.
    app.control.purge()
    return run


def measure_bare(*, rate: float, seconds: float, warmup: int) -> Run:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BARE_TABLE_DDL)
    port = free_port()
    server = gunicorn(port, app="bare_insert:application")
    with processes(server, PYTHONPATH=str(BENCH_DIR)):
        wait_http(f"http://127.0.0.1:{port}/insert")
        return open_loop(poster(f"http://127.0.0.1:{port}/insert", {}), rate=rate, seconds=seconds, warmup=warmup)


def ack_table(key: str, *, rate: float, seconds: float, warmup: int) -> dict[str, Run]:
    return {
        "bare insert": measure_bare(rate=rate, seconds=seconds, warmup=warmup),
        "workers stopped": measure(key, rate=rate, seconds=seconds, warmup=warmup, env={}, workers=False),
        "workers draining": measure(key, rate=rate, seconds=seconds, warmup=warmup, env={}, workers=True),
    }


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
    parser.add_argument("--compare-background", type=int, default=0, metavar="ROUNDS")
    args = parser.parse_args()

    setup_django()
    key = api_key()
    run = {"rate": args.rate, "seconds": args.seconds, "warmup": args.warmup}
    if not (args.compare_without_audit or args.compare_background):
        runs = ack_table(key, **run)
        print(f"ack latency: open loop at {args.rate:.0f}/s for {args.seconds:.0f} s")
        for name, result in runs.items():
            print(f"  {name:17s} (achieved {result.achieved:.1f}/s): {line(result.latencies, result.errors)}")
        bare = runs["bare insert"].p95
        for name in ("workers stopped", "workers draining"):
            print(f"  p95 {name} / bare insert: x{runs[name].p95 / bare:.2f}")
        return
    if args.compare_without_audit:
        compare(key, {"without audit": WITHOUT_AUDIT, "with audit": {}}, rounds=args.compare_without_audit, **run)
    if args.compare_background:
        sides = {"workers at nice 19": NICE_ONLY, "workers SCHED_IDLE": {}}
        compare(key, sides, rounds=args.compare_background, **run)


def compare(key: str, sides: dict[str, dict[str, str]], *, rounds: int, **run: float) -> None:
    """Alternate the servings of `sides` (name -> environment), all with a
    worker draining, for `rounds` rounds; print each run, both sides'
    medians of p50 and p95 and the second side's ratio to the first."""
    results: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
    for round_ in range(1, rounds + 1):
        for side, env in sides.items():
            result = measure(key, env=env, rate=run["rate"], seconds=run["seconds"], warmup=int(run["warmup"]))
            results[side].append((result.p50, result.p95))
            print(f"round {round_} {side:18s} ({result.achieved:.1f}/s): {line(result.latencies, result.errors)}")
    medians = {
        side: (statistics.median(p[0] for p in values), statistics.median(p[1] for p in values))
        for side, values in results.items()
    }
    for side, (p50, p95) in medians.items():
        print(f"{side:18s} median of {rounds} runs: p50 {p50:.1f} ms  p95 {p95:.1f} ms")
    before, after = sides
    (p50_before, p95_before), (p50_after, p95_after) = medians[before], medians[after]
    print(f"{after} / {before}: p50 x{p50_after / p50_before:.2f}  p95 x{p95_after / p95_before:.2f}")


if __name__ == "__main__":
    main()
