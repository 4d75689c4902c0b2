"""`make bench`: the platform's speed figures beside bare baselines, one table.

In one run, on one machine, so that shared and noisy cores affect both
sides of each ratio alike:

  throughput  bench/bare_chain.py (a 7-stage no-op Celery chain) against
              bench/pipeline_throughput.py (Beacon's stages, scripted model)
  queries     bench/queries_per_job.py
  ack         bench/ack_latency.py: a one-row DRF insert against Beacon's
              POST /api/v1/generations, workers stopped and draining,
              open loop at one rate

Each row says its target and whether this run met it.

    make bench   # or: python -m beacon.runtime bench -- .venv/bin/python bench/summary.py
"""

import argparse
import datetime
import os
import platform

import ack_latency
import bare_chain
import pipeline_throughput
import queries_per_job
from stack import api_key, setup_django


def row(name: str, figure: str, target: str, met: bool | None) -> str:
    verdict = "" if met is None else ("met" if met else "MISSED")
    return f"| {name} | {figure} | {target} | {verdict} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=500, help="jobs for the throughput pair")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop POSTs per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()

    setup_django()
    bare = bare_chain.run(args.jobs)
    beacon, settled, held = pipeline_throughput.run(args.jobs)
    intake, stages, _ = queries_per_job.measure(20)
    acks = ack_latency.ack_table(api_key(), rate=args.rate, seconds=args.seconds, warmup=50)

    base = acks["bare insert"].p95
    stopped, draining = acks["workers stopped"], acks["workers draining"]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"\nBeacon benchmarks, {when}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    )
    print("| measure | this run | target | |")
    print("|---|---|---|---|")
    print(row("bare 7-stage no-op chain", f"{bare:.1f} jobs/s", "baseline", None))
    print(
        row("pipeline throughput", f"{beacon:.1f} jobs/s ({settled}/{args.jobs} settled, {held} in review)", "", None)
    )
    print(row("pipeline / bare chain", f"{beacon / bare:.0%}", ">= 60%", beacon / bare >= 0.60))
    print(row("queries per job, stages", f"{stages:.0f} (submission {intake:.0f} more)", "<= 30", stages <= 30))
    print(row(f"ack p95, bare insert at {args.rate:.0f}/s", f"{base:.1f} ms", "baseline", None))
    for name, run, limit in (("workers stopped", stopped, 2), ("workers draining", draining, 5)):
        ratio = run.p95 / base
        figure = f"{run.p95:.1f} ms (p50 {run.p50:.1f}), x{ratio:.1f}"
        print(row(f"ack p95, {name}", figure, f"<= {limit}x bare", ratio <= limit))
    for name, run in acks.items():
        sustained = run.achieved >= args.rate * 0.98 and not run.errors
        figure = f"{run.achieved:.1f}/s, {run.errors} not 202"
        print(row(f"rate sustained, {name}", figure, f"{args.rate * 0.98:.0f}/s, all 202", sustained))


if __name__ == "__main__":
    main()
