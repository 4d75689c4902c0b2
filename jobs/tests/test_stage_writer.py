"""A job's `stage` has one writer: jobs/services/stages.py (`stage_set`).
Every other module moves a job through a jobs service, so stage, lease and
the next stage's message can never disagree."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "jobs" / "services" / "stages.py"
# `job.stage = ...`, and a queryset update or bulk write that sets it.
ASSIGNMENT = re.compile(r"\.stage\s*=(?!=)|\.update\([^)]*\bstage\s*=")


def test_only_the_stage_module_assigns_a_jobs_stage():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if (
            relative.parts[0] in (".venv", "bench", "clients")
            or "tests" in relative.parts
            or "migrations" in relative.parts
        ):
            continue
        if path == WRITER:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if ASSIGNMENT.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_writer_sets_the_stage_in_one_function():
    lines = [line for line in WRITER.read_text(encoding="utf-8").splitlines() if ASSIGNMENT.search(line)]
    assert lines == ["    job.stage = stage"]
