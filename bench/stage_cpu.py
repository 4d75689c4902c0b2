"""CPU of one job's stages, in process, and where it goes.

Submits metadata_enrichment jobs through the service layer and runs their
stage tasks in this process one after another (the scripted, zero-latency
model; each task runs the inline stages after its own), timing each task
with the thread's CPU clock: the work a Celery worker does per job, without
the broker and the worker's own loop. A task is named by its first stage.
With --profile, a cProfile of all stages is printed (cumulative time, the
top functions).

    python -m beacon.runtime bench -- .venv/bin/python bench/stage_cpu.py [--jobs 60] [--profile]
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections import defaultdict

from stack import api_key, enrichment_submit, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--warm", type=int, default=10, help="jobs run first and not counted")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    args = parser.parse_args()
    os.environ["LLM_PROVIDER"] = "scripted"
    setup_django()

    from beacon.celery import app
    from jobs.models import Job
    from jobs.tasks import STAGE_TASKS
    from tenants.selectors import api_key_by_raw

    key = api_key_by_raw(raw_key=api_key())
    assert key is not None
    # The stage tasks' own code, called in this process (no broker, no
    # worker): a task runs the inline stages after its own (chaining).
    runners = STAGE_TASKS
    cpu: dict[str, list[float]] = defaultdict(list)
    whole: list[float] = []
    profiler = cProfile.Profile(time.thread_time)  # CPU, not waits on PostgreSQL
    for i in range(args.warm + args.jobs):
        counted = i >= args.warm
        job = enrichment_submit(key, i, tag="stage-cpu", options={"cache": "bypass"})
        total = 0.0
        for _ in range(20):
            stage = Job.objects.values_list("stage", flat=True).get(pk=job.id)
            if stage not in runners:
                break
            if counted and args.profile:
                profiler.enable()
            started = time.thread_time()
            runners[stage](str(job.id))
            spent = (time.thread_time() - started) * 1000
            if counted and args.profile:
                profiler.disable()
            if counted:
                cpu[stage].append(spent)
                total += spent
        if counted:
            whole.append(total)
    app.control.purge()  # the stages' messages: this process ran them already
    print(f"stage task CPU per job ({args.jobs} metadata_enrichment jobs, thread CPU, median ms)")
    for stage, values in cpu.items():
        print(f"  {stage:<10} {statistics.median(values):6.1f}")
    print(f"  {'whole job':<10} {statistics.median(whole):6.1f}")
    if args.profile:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
