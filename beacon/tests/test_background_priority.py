"""Workers and the model server run as background work (beacon/runtime/background.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPORT = "import os; print(os.sched_getscheduler(0), os.nice(0))"


def _run_in_background(**env: str) -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, "-m", "beacon.runtime.background", sys.executable, "-c", REPORT],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    return int(out[0]), int(out[1])


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_a_background_command_runs_in_the_idle_class_at_nice_19():
    assert _run_in_background() == (os.SCHED_IDLE, 19)


def test_the_nice_only_setting_keeps_the_ordinary_class_at_nice_19():
    policy, nice = _run_in_background(BEACON_BACKGROUND_PRIORITY="nice")
    assert nice == 19
    assert policy == os.SCHED_OTHER


def test_make_run_starts_workers_and_the_model_server_as_background_work():
    source = (Path(__file__).parents[1] / "runtime" / "__main__.py").read_text()
    assert 'background = f"{python} -m beacon.runtime.background"' in source
    assert "f\"{background} {tool('celery')}\"" in source
    assert 'f"{background} {python} manage.py llm_serve"' in source
