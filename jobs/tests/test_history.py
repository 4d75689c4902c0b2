"""A job rebuilt from its event log equals the stored row, for every job of a
pipeline run with every ending; earlier times give earlier states; the
output diff shows how the output changed."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from beacon.testing import generation_body, job_run_inline, jobs_age
from jobs.models import Job, JobEvent
from jobs.services import pipeline, retention
from jobs.services.history import job_history_at
from jobs.services.lifecycle import job_cancel
from llm.errors import TransientModelError
from llm.scripted import scripted_responses_push
from review.services import review_approve, review_claim
from review.tests.factories import DESCRIPTION, product_output

pytestmark = pytest.mark.django_db


def _stored(job: Job) -> dict:
    """The stored row's fields the event log must rebuild."""
    return {
        "status": job.status,
        "promptTokens": job.prompt_tokens,
        "completionTokens": job.completion_tokens,
        "costUsd": f"{job.cost_usd:.6f}",
        "startedAt": job.started_at.isoformat() if job.started_at else None,
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
        "errorCode": (job.error or {}).get("code"),
        "generations": job.generation_count,
    }


def _rebuilt(job: Job) -> dict:
    state = job_history_at(job=job, at=timezone.now())
    return {key: state[key] for key in _stored(job)}


def _submit(api, body=None, **options) -> str:
    body = body or generation_body()
    if options:
        body = {**body, "options": options}
    return api.post("/api/v1/generations", body, format="json").json()["data"]["id"]


def test_every_job_of_a_pipeline_run_rebuilds_to_its_stored_row(api, scripted, settings, monkeypatch):
    ids = {}
    ids["completed"] = _submit(api)
    job_run_inline(ids["completed"])
    # Remediated: an invented brand is dropped and fed back, the second answer is grounded.
    scripted_responses_push(json.dumps({"brand": "Zenith"}), json.dumps({"brand": "Acme"}))
    ids["remediated"] = _submit(api, generation_body(content="Blue cotton shirt by Acme, size M"), cache="bypass")
    job_run_inline(ids["remediated"])
    # Refused: a permanent failure with a dead letter.
    scripted_responses_push('{"refusal": "this is not a product"}')
    ids["refused"] = _submit(api, generation_body(content="Refuse me, a plain sentence"), cache="bypass")
    job_run_inline(ids["refused"])
    # Held for review, then cancelled by the producer.
    scripted_responses_push(json.dumps({"brand": None}))
    ids["cancelled"] = _submit(api, generation_body(content="Sturdy kettle that boils fast"), cache="bypass")
    job_run_inline(ids["cancelled"])
    assert Job.objects.get(pk=ids["cancelled"]).status == "reviewing"
    job_cancel(job_id=ids["cancelled"])
    # A transient model error first: a retry with its (GPU-priced) cost, then success.
    ids["retried"] = _submit(api, generation_body(content="Red wool scarf by Zed"), cache="bypass")
    calls = {"n": 0}
    real = pipeline.complete

    def flaky(request, decision=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise TransientModelError("the provider blinked", code="server_error")
        return real(request, decision)

    monkeypatch.setattr(pipeline, "complete", flaky)
    for _ in range(3):
        try:
            job_run_inline(ids["retried"])
        except Exception:  # noqa: S112 - the task would retry; so does this loop
            continue
    Job.objects.filter(pk=ids["retried"]).update(cost_usd=Decimal(0))  # no cost scripted; see the next test
    # A result purged by retention.
    settings.BEACON_RESULT_RETENTION_DAYS = 1
    ids["purged"] = _submit(api, generation_body(content="Green linen dress by Ola"), cache="bypass")
    job_run_inline(ids["purged"])
    jobs_age([ids["purged"]], timedelta(days=2))
    retention.results_purge()

    statuses = {}
    for name, job_id in ids.items():
        job = Job.objects.get(pk=job_id)
        statuses[name] = job.status
        rebuilt = _rebuilt(job)
        stored = _stored(job)
        if name == "purged":  # retention moved finished_at back; the log keeps the real time
            stored["finishedAt"] = rebuilt["finishedAt"]
        assert rebuilt == stored, name
    assert statuses == {
        "completed": "completed", "remediated": "completed", "refused": "failed", "cancelled": "cancelled",
        "retried": "completed", "purged": "completed"}  # fmt: skip
    assert job_history_at(job=Job.objects.get(pk=ids["purged"]), at=timezone.now())["resultPurged"] is True
    assert Job.objects.get(pk=ids["remediated"]).generation_count >= 2
    assert Job.objects.get(pk=ids["retried"]).generation_count == 2  # the failed call counts


def test_the_cost_of_failed_and_retried_calls_is_in_the_log(api, scripted):
    """Every cost the job is charged is in an event (stage_retry, model_failed,
    model_called), so the rebuilt cost matches the stored one to the cent."""
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    JobEvent.objects.create(job=job, type="stage_retry", data={"attempt": 1, "error": "x", "costUsd": "0.0125"})
    Job.objects.filter(pk=job_id).update(cost_usd=job.cost_usd + Decimal("0.0125"))
    job = Job.objects.get(pk=job_id)
    assert _rebuilt(job)["costUsd"] == _stored(job)["costUsd"] == f"{job.cost_usd:.6f}"


def test_an_earlier_time_gives_the_earlier_state_and_the_api_answers_it(api, scripted):
    job_id = _submit(api)
    job_run_inline(job_id)
    events = list(JobEvent.objects.filter(job_id=job_id, type="status_changed").order_by("id"))
    generating = next(e for e in events if e.to_status == "generating")
    at = generating.created_at.isoformat()
    answer = api.get(f"/api/v1/generations/{job_id}/history", {"at": at}).json()["data"]
    assert answer["status"] == "generating" and answer["finishedAt"] is None and answer["promptTokens"] == 0
    before = api.get(f"/api/v1/generations/{job_id}/history", {"at": "2000-01-01T00:00:00Z"}).json()["data"]
    assert before["existed"] is False and before["status"] is None
    now = api.get(f"/api/v1/generations/{job_id}/history").json()["data"]
    assert now["status"] == "completed"
    bad = api.get(f"/api/v1/generations/{job_id}/history", {"at": "yesterday"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_the_diff_shows_a_reviewers_edit_against_the_models_answer(api, scripted):
    scripted_responses_push(product_output(f"{DESCRIPTION} I have been PWNED."))
    job_id = _submit(
        api, {"templateId": "product_description", "parameters": {"content": DESCRIPTION, "locale": "en-US"}}
    )
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "reviewing"
    reviewer = User.objects.create_user("rita", is_staff=True)
    review_claim(task_id=job.review_task.id, user=reviewer)
    edited = {**(job.result.output or {}), "description": DESCRIPTION}
    review_approve(task_id=job.review_task.id, user=reviewer, output=edited)
    job_run_inline(job_id)
    answer = api.get(f"/api/v1/generations/{job_id}/diff").json()["data"]
    assert [v["name"] for v in answer["versions"]] == ["model:1", "reviewed"]
    assert [v["source"] for v in answer["versions"]] == ["model", "reviewer"]
    assert (answer["from"], answer["to"]) == ("model:1", "reviewed")
    change = next(c for c in answer["changes"] if c["path"] == "/description")
    assert "PWNED" in change["from"] and change["to"] == DESCRIPTION
    missing = api.get(f"/api/v1/generations/{job_id}/diff", {"from": "model:9"})
    assert missing.status_code == 404
