"""Recovery, run in-process: re-driving dead letters, retries of a stage
after a transient error, the reaper and its fencing token, the sweeper, and
the limits that keep recovery from looping forever."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from beacon.testing import generation_body, job_run_inline
from jobs.models import DeadLetter, Job, JobEvent
from jobs.services import pipeline, recovery
from jobs.services.lifecycle import dead_letter_redrive
from jobs.services.stages import TransientStageError
from llm.errors import TransientModelError
from llm.scripted import scripted_responses_push

pytestmark = pytest.mark.django_db


def _submit(api, **options) -> str:
    body = generation_body()
    if options:
        body["options"] = options
    return api.post("/api/v1/generations", body, format="json").json()["data"]["id"]


def test_a_dead_letter_can_be_redriven_to_completion(api, scripted):
    scripted_responses_push("nope", "still nope", "not even now")
    job_id = _submit(api)
    job_run_inline(job_id)
    dead = DeadLetter.objects.get(job_id=job_id)
    job = dead_letter_redrive(dead_letter_id=dead.id)
    assert (job.status, job.stage) == ("queued", "prepare")
    job_run_inline(job_id)
    assert Job.objects.get(pk=job_id).status == "completed"
    assert JobEvent.objects.filter(job_id=job_id, type="redriven").count() == 1


def test_a_dead_letter_whose_input_was_purged_is_not_redriven(api, scripted):
    from common.api import Conflict
    from jobs.models import JobPayload

    scripted_responses_push("nope", "still nope", "not even now")
    job_id = _submit(api)
    job_run_inline(job_id)
    dead = DeadLetter.objects.get(job_id=job_id)
    JobPayload.objects.filter(job_id=job_id).update(raw=b"", working=None, purged_at=timezone.now())
    with pytest.raises(Conflict) as refused:
        dead_letter_redrive(dead_letter_id=dead.id)
    assert refused.value.error_code == "input_purged"
    assert Job.objects.get(pk=job_id).status == "failed"


def test_a_transient_model_error_releases_the_stage_for_a_retry(api, scripted):
    job_id = _submit(api)
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    with (
        mock.patch.object(pipeline, "complete", side_effect=TransientModelError("timeout")),
        pytest.raises(TransientStageError),
    ):
        pipeline.generate_run(job_id=job_id)
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage, job.lease_expires_at) == ("generating", "generate", None)
    assert job.events.filter(type="stage_retry").count() == 1
    pipeline.generate_run(job_id=job_id)  # the retry
    assert Job.objects.get(pk=job_id).stage == "validate"


def test_the_reaper_releases_an_expired_lease_and_the_old_worker_is_fenced(api, scripted):
    job_id = _submit(api)
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    # A worker claimed generate and died: lease in the past, attempt 1.
    Job.objects.filter(pk=job_id).update(stage_attempt=1, lease_expires_at=timezone.now() - timedelta(seconds=1))
    with mock.patch("jobs.services.publishing.stage_message_send"):
        assert recovery.stages_reap_expired() == 1
    assert Job.objects.get(pk=job_id).lease_expires_at is None
    pipeline.generate_run(job_id=job_id)
    job = Job.objects.get(pk=job_id)
    assert job.stage_attempt == 2 and job.stage == "validate"
    assert job.events.filter(type="lease_expired").count() == 1


def test_the_sweeper_republishes_stages_whose_message_was_lost(api, django_capture_on_commit_callbacks):
    job_id = _submit(api)
    Job.objects.filter(pk=job_id).update(published_at=timezone.now() - timedelta(hours=1))
    with (
        mock.patch("jobs.services.recovery.queue_lengths", return_value={}),  # every queue worked off
        mock.patch("jobs.services.publishing.stage_message_send") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert recovery.jobs_sweep_unstarted() == 1
        assert recovery.jobs_sweep_unstarted() == 0  # published_at moved on
    send.assert_called_once_with(job_id=job_id, stage="prepare", queue="default")
    assert JobEvent.objects.filter(job_id=job_id, type="stage_republished").count() == 1


def test_the_sweeper_leaves_a_queue_that_still_holds_messages(api):
    job_id = _submit(api)
    Job.objects.filter(pk=job_id).update(published_at=timezone.now() - timedelta(hours=1))
    with mock.patch("jobs.services.recovery.queue_lengths", return_value={"default": 3}):
        assert recovery.jobs_sweep_unstarted() == 0
    assert not JobEvent.objects.filter(job_id=job_id, type="stage_republished").exists()


def test_recovery_dead_letters_a_job_past_its_deadline(api):
    job_id = _submit(api)
    long_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=job_id).update(published_at=long_ago, deadline_at=long_ago)
    with mock.patch("jobs.services.recovery.queue_lengths", return_value={}):
        assert recovery.jobs_sweep_unstarted() == 0
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed" and job.error is not None and job.error["code"] == "deadline_exceeded"
    assert DeadLetter.objects.get(job_id=job_id).error_code == "deadline_exceeded"


def test_a_stage_that_keeps_killing_its_worker_is_dead_lettered_not_recovered_forever(api, scripted, settings):
    settings.BEACON_MAX_STAGE_RECOVERIES = 3
    job_id = _submit(api)
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    expired = timezone.now() - timedelta(seconds=1)
    with mock.patch("jobs.services.publishing.stage_message_send"):
        for _ in range(3):  # the worker dies on generate three times
            Job.objects.filter(pk=job_id).update(stage_attempt=1, lease_expires_at=expired)
            assert recovery.stages_reap_expired() == 1
        Job.objects.filter(pk=job_id).update(stage_attempt=1, lease_expires_at=expired)
        assert recovery.stages_reap_expired() == 0
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed" and job.error is not None and job.error["code"] == "recovery_exhausted"
    assert job.events.filter(type="lease_expired").count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_at_commit_still_acknowledges_the_job_for_the_sweeper(api):
    import kombu.exceptions

    with mock.patch("jobs.services.publishing.stage_message_send",
                    side_effect=kombu.exceptions.OperationalError("Connection refused")):  # fmt: skip
        response = api.post("/api/v1/generations", generation_body(), format="json")
    assert response.status_code == 202  # committed: the sweeper publishes it later
    job = Job.objects.get(pk=response.json()["data"]["id"])
    assert job.status == "queued" and job.published_at is not None


def test_a_stage_that_gives_up_because_the_database_was_away_is_left_for_the_sweeper(api, scripted):
    from django.db import OperationalError

    from jobs.tasks import STAGE_TASKS

    job_id = _submit(api)
    job_run_inline(job_id)
    Job.objects.filter(id=job_id).update(stage="deliver")  # completed, its webhook still to send
    deliver = STAGE_TASKS["deliver"]
    deliver.on_failure(OperationalError("connection refused"), "task-id", [job_id], {}, None)
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("completed", "deliver")  # still due: the sweeper sends it again
    assert not JobEvent.objects.filter(job_id=job_id, type="webhook_failed").exists()
    deliver.on_failure(ValueError("a bug"), "task-id", [job_id], {}, None)
    assert Job.objects.get(pk=job_id).stage == "done"  # anything else still gives up, with an event
    assert JobEvent.objects.filter(job_id=job_id, type="webhook_failed").exists()
