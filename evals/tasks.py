from celery import shared_task

from evals.injection_monitor import injection_monitors_run
from evals.judge import judge_sample
from evals.monitors import monitors_run


@shared_task(name="evals.run_monitors")
def run_monitors() -> int:
    return len(monitors_run()) + len(injection_monitors_run())


@shared_task(name="evals.judge_sample")
def judge_sample_task() -> int:
    return judge_sample()
