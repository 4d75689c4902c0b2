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
import statistics

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
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the throughput pair")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop POSTs per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()

    # The in-process query count runs stages here: the scripted, zero-latency model.
    os.environ["LLM_PROVIDER"] = "scripted"
    setup_django()
    # The pair alternates for a few rounds: this machine's speed drifts by
    # 10-20% from minute to minute, and a ratio within a round cancels most of it.
    rounds = []
    for _ in range(args.rounds):
        bare_round = bare_chain.run(args.jobs)
        pipeline = pipeline_throughput.run(args.jobs)
        rounds.append((bare_round, pipeline.rate))
    bare = statistics.median(b for b, _ in rounds)
    beacon = statistics.median(p for _, p in rounds)
    ratio = statistics.median(p / b for b, p in rounds)
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
    each = ", ".join(f"{p:.1f}/{b:.1f}" for b, p in rounds)
    held = f"last round: {pipeline.held} of {pipeline.settled} in review"
    cpu = f"worker {pipeline.worker_cpu_ms:.0f} ms (its start included), PostgreSQL {pipeline.postgres_cpu_ms:.0f} ms"
    print(row("bare 7-stage no-op chain", f"{bare:.1f} jobs/s (median of {args.rounds} rounds)", "baseline", None))
    print(row("pipeline throughput", f"{beacon:.1f} jobs/s (median; {held})", "", None))
    print(row("pipeline / bare chain", f"{ratio:.0%} (median; rounds {each})", ">= 60%", ratio >= 0.60))
    print(row("CPU per job, last round", cpu, "", None))
    print(row("queries per job, stages", f"{stages:.0f} (submission {intake:.0f} more)", "<= 30", stages <= 30))
    print(row(f"ack p95, bare insert at {args.rate:.0f}/s", f"{base:.1f} ms", "baseline", None))
    for name, run, limit in (("workers stopped", stopped, 2), ("workers draining", draining, 5)):
        times = run.p95 / base
        figure = f"{run.p95:.1f} ms (p50 {run.p50:.1f}), x{times:.1f}"
        print(row(f"ack p95, {name}", figure, f"<= {limit}x bare", times <= limit))
    for name, run in acks.items():
        sustained = run.achieved >= args.rate * 0.98 and not run.errors
        figure = f"{run.achieved:.1f}/s, {run.errors} not 202"
        print(row(f"rate sustained, {name}", figure, f"{args.rate * 0.98:.0f}/s, all 202", sustained))


if __name__ == "__main__":
    main()
