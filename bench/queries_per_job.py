"""Database queries per job: what one job costs PostgreSQL.

Submits jobs through the service layer and runs their stage tasks in this
process, one after another (the scripted, zero-latency model; the tasks'
own code, with the inline stages each runs after its own, but no broker
and no worker), counting the SQL statements of the submission and of each
task, transaction control (BEGIN/COMMIT/SAVEPOINT) left out.

    python -m beacon.runtime bench -- .venv/bin/python bench/queries_per_job.py
"""

import argparse
import os
import statistics
from collections import Counter

from stack import api_key, enrichment_submit, setup_django

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def _statements(captured: list[dict[str, str]]) -> int:
    return sum(1 for q in captured if not q["sql"].upper().startswith(CONTROL))


def measure(jobs: int) -> tuple[float, float, dict[str, float]]:
    """Median queries of a submission, of all stages of a job, and per stage."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beacon.celery import app
    from jobs.models import Job
    from jobs.tasks import STAGE_TASKS
    from tenants.selectors import api_key_by_raw

    key = api_key_by_raw(raw_key=api_key())
    assert key is not None
    # The stage tasks' own code, called in this process (no broker, no
    # worker): a task runs the inline stages after its own (chaining).
    runners = STAGE_TASKS
    intake, whole, per_stage = [], [], Counter[str]()
    for i in range(jobs):
        with CaptureQueriesContext(connection) as submitted:
            job = enrichment_submit(key, i, tag="queries", options={"cache": "bypass"})
        intake.append(_statements(submitted.captured_queries))
        total = 0
        for _ in range(20):
            stage = Job.objects.values_list("stage", flat=True).get(pk=job.id)
            if stage not in runners:
                break
            with CaptureQueriesContext(connection) as ran:
                runners[stage](str(job.id))
            count = _statements(ran.captured_queries)
            per_stage[stage] += count
            total += count
        whole.append(total)
    app.control.purge()  # the stages' messages: this process ran them already
    return statistics.median(intake), statistics.median(whole), {s: n / jobs for s, n in per_stage.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=20)
    args = parser.parse_args()
    os.environ["LLM_PROVIDER"] = "scripted"  # zero latency; the default answers
    setup_django()
    intake, stages, per_stage = measure(args.jobs)
    print(
        f"queries per job ({args.jobs} metadata_enrichment jobs, median): submission {intake:.0f}, stages {stages:.0f}"
    )
    print("  per task (mean): " + ", ".join(f"{s} {n:.1f}" for s, n in per_stage.items()))


if __name__ == "__main__":
    main()
