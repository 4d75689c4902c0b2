"""The stage table drives every stage: its tasks, their queues and limits,
the runner each calls, and the transitions that start them."""

import pytest

from jobs.models import Job, Stage
from jobs.services import pipeline
from jobs.services.publishing import STAGE_TASKS
from jobs.stage_table import STAGE_TABLE, STAGES
from jobs.tasks import STAGE_TASKS as CELERY_TASKS


def test_every_stage_but_review_and_done_has_one_row():
    assert [spec.stage for spec in STAGE_TABLE] == [s for s in Stage.values if s not in (Stage.REVIEW, Stage.DONE)]


@pytest.mark.parametrize("spec", STAGE_TABLE, ids=lambda spec: spec.stage)
def test_each_row_is_a_celery_task_a_route_a_runner_and_a_transition(spec):
    task = CELERY_TASKS[spec.stage]
    assert task.name == spec.task and task.stage == spec.stage
    if spec.soft_time_limit is not None:  # else the Celery settings' limits apply
        assert task.soft_time_limit == spec.soft_time_limit and task.time_limit == spec.time_limit
    assert STAGE_TASKS[spec.stage] == (spec.task, spec.queue)
    assert callable(getattr(pipeline, spec.runner))
    assert spec.mode in ("inline", "leased")
    assert spec.transition == "" or callable(getattr(Job, spec.transition))


def test_generate_is_the_leased_stage_on_the_model_queue():
    assert STAGES[Stage.GENERATE].mode == "leased" and STAGES[Stage.GENERATE].queue == "llm"
    assert [s.stage for s in STAGE_TABLE if s.mode == "leased"] == [Stage.GENERATE]
