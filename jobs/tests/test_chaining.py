"""Chained stages: a stage task runs the inline stages it makes due on its own
queue at once, in its own process, instead of sending them through the
broker; on an error the chained stage goes out as a message after all.
Real commits (transaction=True): a stage is handed over only once committed."""

from unittest import mock

import pytest

from beacon.testing import generation_body
from jobs.models import Job
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


def test_a_chained_stage_that_fails_is_sent_as_a_message_for_its_own_task(api, scripted):
    job_id = _submitted(api)

    def broken(*, job_id: str) -> bool:
        raise RuntimeError("assemble broke")

    with (
        mock.patch.dict("jobs.tasks.RUNNERS", {"assemble": broken}),
        mock.patch("jobs.services.publishing.stage_message_send"),
        mock.patch("jobs.tasks.stage_message_send") as left_over,
    ):
        STAGE_TASKS["prepare"].apply(args=[job_id])
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("preparing", "assemble")  # prepare committed, assemble due
    left_over.assert_called_once_with(job_id=job_id, stage="assemble", priority="normal")
