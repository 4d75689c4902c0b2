"""Chained stages: a stage task runs the inline stages it makes due on its own
queue at once, in its own process, instead of sending them through the
broker: in the same transaction on the locked row, or (a stage with a remote
call before its lock) after the commit, when an error sends it out as a
message after all. Real commits (transaction=True)."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.testing import generation_body
from jobs import tasks
from jobs.models import DeadLetter, Job, JobEvent
from jobs.services import pipeline
from jobs.services.stages import StageError
from jobs.tasks import STAGE_TASKS

pytestmark = pytest.mark.django_db(transaction=True)


def _submitted(api) -> str:
    with mock.patch("jobs.services.publishing.stage_message_send"):
        return api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]


def test_prepare_runs_assemble_in_the_same_task_and_sends_only_generate(api, scripted):
    job_id = _submitted(api)
    with (
        mock.patch("jobs.services.publishing.stage_message_send") as sent,
        mock.patch("jobs.tasks.stage_message_send") as left_over,
    ):
        STAGE_TASKS["prepare"].apply(args=[job_id])
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("assembling", "generate")
    assert [c.kwargs["stage"] for c in sent.call_args_list] == ["generate"]  # on the llm queue: a message
    left_over.assert_not_called()
    assert set(job.stage_latency_ms) == {"prepare", "assemble"}


def test_validate_runs_decide_and_finalize_in_the_same_task(api, scripted):
    job_id = _submitted(api)
    for stage in ("prepare", "generate"):
        with mock.patch("jobs.services.publishing.stage_message_send"):
            STAGE_TASKS[stage].apply(args=[job_id])
    assert Job.objects.get(pk=job_id).stage == "validate"
    with mock.patch("jobs.services.publishing.stage_message_send") as sent:
        STAGE_TASKS["validate"].apply(args=[job_id])
    job = Job.objects.get(pk=job_id)
    assert job.status in ("completed", "reviewing")
    assert {"validate", "decide"} <= set(job.stage_latency_ms)
    sent.assert_not_called()


def test_without_chaining_every_stage_goes_through_the_broker(api, scripted, settings):
    settings.BEACON_STAGE_CHAINING = False
    job_id = _submitted(api)
    with mock.patch("jobs.services.publishing.stage_message_send") as sent:
        STAGE_TASKS["prepare"].apply(args=[job_id])
    assert Job.objects.get(pk=job_id).stage == "assemble"
    assert [c.kwargs["stage"] for c in sent.call_args_list] == ["assemble"]


def test_the_stages_a_task_runs_share_one_lock_and_one_commit(api, scripted):
    job_id = _submitted(api)
    with (
        mock.patch("jobs.services.publishing.stage_message_send"),
        CaptureQueriesContext(connection) as ran,
    ):
        STAGE_TASKS["prepare"].apply(args=[job_id])
    statements = [q["sql"] for q in ran.captured_queries]
    assert sum(1 for sql in statements if sql.startswith('SELECT "jobs_job"') and "FOR UPDATE" in sql) == 1
    assert sum(1 for sql in statements if sql.startswith('UPDATE "jobs_job" SET')) == 1
    assert Job.objects.get(pk=job_id).stage == "generate"


def test_a_followed_stage_that_fails_for_good_fails_the_job_there_keeping_the_stage_before(api, scripted):
    job_id = _submitted(api)

    def refused(job: Job) -> str:
        raise StageError("assemble refused", code="assemble_refused")

    with (
        mock.patch.dict(pipeline.FOLLOWING, {"assemble": refused}),
        mock.patch("jobs.services.publishing.stage_message_send"),
    ):
        STAGE_TASKS["prepare"].apply(args=[job_id])
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed"
    assert DeadLetter.objects.get(job_id=job_id).stage == "assemble"
    assert "prepare" in job.stage_latency_ms  # prepare's work is kept
    assert JobEvent.objects.filter(job_id=job_id, to_status="preparing").exists()


def test_any_other_error_in_a_followed_stage_rolls_the_task_back_to_its_own_stage(api, scripted):
    job_id = _submitted(api)

    def broken(job: Job) -> str:
        raise RuntimeError("assemble broke")

    with (
        mock.patch.dict(pipeline.FOLLOWING, {"assemble": broken}),
        mock.patch("jobs.services.publishing.stage_message_send"),
        mock.patch("jobs.tasks.job_fail_by_id") as dead_lettered,
    ):
        STAGE_TASKS["prepare"].apply(args=[job_id])
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("queued", "prepare")  # nothing of the task's stages committed
    assert not JobEvent.objects.filter(job_id=job_id, to_status="preparing").exists()
    assert dead_lettered.call_args.kwargs["stage"] == "prepare"  # the task gives up at its own stage


def test_a_stage_asked_of_a_remote_policy_before_its_lock_runs_after_the_commit(api, scripted):
    job_id = _submitted(api)
    for stage in ("prepare", "generate"):
        with mock.patch("jobs.services.publishing.stage_message_send"):
            STAGE_TASKS[stage].apply(args=[job_id])
    runs = []
    decide_run = tasks.RUNNERS["decide"]

    def decide_counted(*, job_id: str) -> bool:
        runs.append(job_id)
        return decide_run(job_id=job_id)

    with (
        mock.patch.object(pipeline, "policy_remote", return_value=True),
        mock.patch.dict(tasks.RUNNERS, {"decide": decide_counted}),
        mock.patch("jobs.services.publishing.stage_message_send") as sent,
    ):
        STAGE_TASKS["validate"].apply(args=[job_id])
    assert runs == [job_id]  # decide ran as its own stage function, chained after validate committed
    assert Job.objects.get(pk=job_id).status in ("completed", "reviewing")
    sent.assert_not_called()


def test_a_chained_stage_that_fails_is_sent_as_a_message_for_its_own_task(api, scripted):
    job_id = _submitted(api)
    for stage in ("prepare", "generate"):
        with mock.patch("jobs.services.publishing.stage_message_send"):
            STAGE_TASKS[stage].apply(args=[job_id])

    def broken(*, job_id: str) -> bool:
        raise RuntimeError("decide broke")

    with (
        mock.patch.object(pipeline, "policy_remote", return_value=True),
        mock.patch.dict(tasks.RUNNERS, {"decide": broken}),
        mock.patch("jobs.services.publishing.stage_message_send"),
        mock.patch("jobs.tasks.stage_message_send") as left_over,
    ):
        STAGE_TASKS["validate"].apply(args=[job_id])
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("validating", "decide")  # validate committed, decide due
    left_over.assert_called_once_with(job_id=job_id, stage="decide", priority="normal")
