"""What serving the API under ASGI costs against the threaded WSGI server.

The same open-loop submissions (bench/ack_latency.py's load generator, no
worker) against Beacon served both ways, alternated for --rounds rounds in
one run: acknowledgement latency, and the web processes' CPU per request
(user + system of gunicorn and its workers), the figure that bounds how many
acknowledgements two cores can give.

    python -m beacon.runtime bench -- .venv/bin/python bench/web_server_cpu.py
"""

import argparse
import statistics

from ack_latency import open_loop, poster
from stack import api_key, cpu_seconds, gunicorn, processes, setup_django, wait_http

from beacon.runtime.servers import free_port


def measure(app: str, key: str, *, rate: float, seconds: float) -> tuple[float, float, float]:
    """p50 ms, p95 ms, CPU ms per request."""
    port = free_port()
    with processes(gunicorn(port, app=app)) as (server,):
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")
        post = poster(f"http://127.0.0.1:{port}/api/v1/generations", {"Authorization": f"Bearer {key}"})
        open_loop(post, rate=rate, seconds=2, warmup=50)  # every thread and connection warm
        before = cpu_seconds(server.pid)
        run = open_loop(post, rate=rate, seconds=seconds, warmup=0)
        cpu = cpu_seconds(server.pid) - before
    return run.p50, run.p95, cpu * 1000 / len(run.latencies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    key = api_key()
    results: dict[str, list[tuple[float, float, float]]] = {"beacon.wsgi": [], "beacon.asgi": []}
    for round_ in range(1, args.rounds + 1):
        for app, runs in results.items():
            runs.append(measure(app, key, rate=args.rate, seconds=args.seconds))
            p50, p95, cpu = runs[-1]
            print(f"round {round_} {app}: p50 {p50:.1f} ms  p95 {p95:.1f} ms  CPU {cpu:.1f} ms/request")
    print(f"medians of {args.rounds} rounds at {args.rate:.0f}/s:")
    for app, runs in results.items():
        p50, p95, cpu = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"  {app}: p50 {p50:.1f} ms  p95 {p95:.1f} ms  CPU {cpu:.1f} ms/request")
    wsgi, asgi = (statistics.median(r[2] for r in results[a]) for a in ("beacon.wsgi", "beacon.asgi"))
    print(f"  CPU per request, ASGI / WSGI: x{asgi / wsgi:.2f}")


if __name__ == "__main__":
    main()
