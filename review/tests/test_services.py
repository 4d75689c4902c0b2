"""Review actions: claims (and their race), approve, edit, reject, bulk
approval of audit samples, escalation of overdue tasks."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from beacon.testing import generation_body, job_run_inline
from jobs.models import Job
from llm.scripted import scripted_responses_push
from review.models import ReviewTask
from review.services import (
    ReviewError,
    review_approve,
    review_bulk_approve,
    review_claim,
    review_escalate_overdue,
    review_reject,
    review_release,
)
from review.tests.factories import DESCRIPTION, product_output


@pytest.fixture
def reviewers(db):
    users = get_user_model().objects
    return users.create_user("rita", password="x"), users.create_user("ravi", password="x")


@pytest.mark.django_db
def test_a_held_job_gets_a_task_with_priority_due_time_and_reasons(api, scripted, held_job):
    job = held_job()
    task = job.review_task
    assert (task.status, task.priority, task.task_kind) == ("open", 2, "product_description")
    assert timedelta(minutes=239) < task.due_at - task.created_at <= timedelta(minutes=240)
    assert task.reason_codes == ["instruction_marker"] and task.risk_score == 1.0
    assert task.model_output is not None
    assert task.model_output["description"].endswith("I have been PWNED.")


@pytest.mark.django_db
def test_a_claim_is_exclusive_and_only_the_holder_releases(api, scripted, reviewers, held_job):
    rita, ravi = reviewers
    task = held_job().review_task
    review_claim(task_id=task.id, user=rita)
    review_claim(task_id=task.id, user=rita)  # claiming again is harmless
    with pytest.raises(ReviewError, match="held by rita"):
        review_claim(task_id=task.id, user=ravi)
    with pytest.raises(ReviewError):
        review_release(task_id=task.id, user=ravi)
    review_release(task_id=task.id, user=rita)
    assert review_claim(task_id=task.id, user=ravi).assignee == ravi
    events = [(e.type, e.data["reviewer"]) for e in task.job.events.filter(type__startswith="review_").order_by("id")]
    assert events == [("review_claimed", "rita"), ("review_released", "rita"), ("review_claimed", "ravi")]


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_claiming_at_once_one_wins(api, scripted, reviewers, held_job):
    task = held_job().review_task
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(user) -> None:
        barrier.wait()
        try:
            review_claim(task_id=task.id, user=user)
            outcomes.append("won")
        except ReviewError:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert ReviewTask.objects.get(id=task.id).assignee in reviewers


@pytest.mark.django_db
def test_deciding_needs_the_claim(api, scripted, reviewers, held_job):
    task = held_job().review_task
    with pytest.raises(ReviewError, match="claim the task"):
        review_approve(task_id=task.id, user=reviewers[0])


@pytest.mark.django_db
def test_approve_completes_the_job_with_an_event_naming_the_reviewer(api, scripted, reviewers, held_job):
    rita = reviewers[0]
    job = held_job()
    review_claim(task_id=job.review_task.id, user=rita)
    review_approve(task_id=job.review_task.id, user=rita)
    job_run_inline(str(job.id))  # finalize, as the worker would
    job = Job.objects.get(pk=job.pk)
    assert (job.status, job.stage) == ("completed", "done")
    event = job.events.get(type="review_decided")
    assert event.data["decision"] == "approved" and event.data["reviewer"] == "rita"
    assert job.review_task.decision == "approved" and job.review_task.decided_by == rita


@pytest.mark.django_db
def test_an_edit_is_validated_then_delivered_as_the_result(api, scripted, reviewers, held_job):
    rita = reviewers[0]
    job = held_job()
    task_id = job.review_task.id
    review_claim(task_id=task_id, user=rita)
    output = job.result.output
    assert isinstance(output, dict)
    broken = {**output, "bullet_points": "not a list"}
    with pytest.raises(ReviewError) as raised:
        review_approve(task_id=task_id, user=rita, output=broken)
    assert raised.value.details[0]["path"] == "bullet_points"
    edited = {**output, "description": DESCRIPTION}
    review_approve(task_id=task_id, user=rita, output=edited)
    job_run_inline(str(job.id))
    job = Job.objects.get(pk=job.pk)
    assert job.status == "completed" and job.result.output == edited
    assert job.review_task.decision == "edited" and job.review_task.final_output == edited
    assert job.result.validation["editedByReviewer"] is True


@pytest.mark.django_db
def test_reject_moves_the_job_to_rejected_and_delivers_it(api, scripted, reviewers, held_job):
    rita = reviewers[0]
    job = held_job()
    Job.objects.filter(pk=job.pk).update(webhook_url="http://127.0.0.1:9/hook")
    review_claim(task_id=job.review_task.id, user=rita)
    with pytest.raises(ReviewError, match="unknown reason"):
        review_reject(task_id=job.review_task.id, user=rita, reason="meh")
    review_reject(task_id=job.review_task.id, user=rita, reason="injection", note="followed the review text")
    job = Job.objects.get(pk=job.pk)
    assert (job.status, job.stage) == ("rejected", "deliver")
    assert job.error is not None and job.error["code"] == "rejected_in_review"
    change = job.events.get(type="status_changed", to_status="rejected")
    assert change.data["reviewer"] == "rita" and change.data["reason"] == "injection"


@pytest.mark.django_db
def test_bulk_approve_takes_only_audit_samples(api, scripted, reviewers, settings, held_job):
    risky = held_job().review_task
    settings.BEACON_REVIEW_SAMPLING = True
    sampled_ids = []
    with mock.patch("review.risk.sampled", return_value=True):  # the draw, made certain
        for _ in range(2):
            job_id = api.post("/api/v1/generations", generation_body("product_description", content=DESCRIPTION),
                              format="json").json()["data"]["id"]  # fmt: skip
            scripted_responses_push(product_output(DESCRIPTION))
            job_run_inline(job_id)
            sampled_ids.append(ReviewTask.objects.get(job_id=job_id).id)
    assert review_bulk_approve(task_ids=[risky.id, *sampled_ids], user=reviewers[0]) == 2
    assert ReviewTask.objects.get(id=risky.id).status == "open"
    assert set(ReviewTask.objects.filter(id__in=sampled_ids).values_list("decision", flat=True)) == {"approved"}


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[dict] = []

    def do_POST(self) -> None:
        type(self).bodies.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.django_db
def test_overdue_tasks_rise_in_priority_and_are_announced_once_per_interval(api, scripted, settings, caplog, held_job):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.bodies = []
    settings.BEACON_REVIEW_ESCALATION_WEBHOOK = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    task = held_job().review_task
    assert review_escalate_overdue() == 0  # not due yet
    ReviewTask.objects.filter(id=task.id).update(due_at=timezone.now() - timedelta(minutes=5))
    assert review_escalate_overdue() == 1
    assert review_escalate_overdue() == 0  # announced already within the interval
    task.refresh_from_db()
    assert (task.priority, task.escalations) == (3, 1)
    assert _Receiver.bodies[0]["type"] == "review.overdue" and _Receiver.bodies[0]["tasks"][0]["taskId"] == str(task.id)
    assert "is overdue" in caplog.text
    server.shutdown()


def test_cancelling_a_held_job_withdraws_its_review_task(api, scripted, held_job):
    job = held_job()
    assert api.delete(f"/api/v1/generations/{job.id}").status_code == 204
    task = ReviewTask.objects.get(job=job)
    assert task.status == "withdrawn" and task.note == "cancelled by producer"
    assert not ReviewTask.objects.filter(status__in=["open", "claimed"]).exists()
