"""Batches: one upload, many jobs; per-line errors, results as JSON Lines,
cancel, expiry and the batch's one webhook."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from beacon.testing import client_for, generation_body, job_run_inline, wait_for
from jobs.models import Batch, Job, WebhookDelivery
from jobs.services.batches import batch_dispatch, batches_settle
from jobs.services.webhooks import delivery_attempt
from tenants.models import Role
from tenants.services import api_key_create, project_ensure

pytestmark = pytest.mark.django_db


def _line(custom_id: str, **body: Any) -> str:
    return json.dumps({"custom_id": custom_id, "body": {**generation_body(), **body}})


def _upload(client: Any, lines: list[str], query: str = "") -> Any:
    return client.generic(
        "POST", f"/api/v1/batches{query}", ("\n".join(lines) + "\n").encode(), content_type="application/jsonl"
    )


def _results(client: Any, batch_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/batches/{batch_id}/results")
    assert response.status_code == 200 and response["Content-Type"] == "application/jsonl"
    return [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]


def test_a_jsonl_upload_accepts_good_lines_and_reports_bad_ones_without_failing(api):
    lines = [
        _line("sku-1"),
        "{not json",
        _line("sku-2"),
        _line("sku-1"),  # the same custom_id again
        json.dumps({"custom_id": "sku-3", "body": {"templateId": "metadata_enrichment", "parameters": {}}}),
        _line("sku-4", options={"webhookUrl": "https://hooks.example.com/x"}),
        "",
        _line("sku-5", templateId="taxonomy_tagging"),
    ]
    answer = _upload(api, lines)
    assert answer.status_code == 202, answer.json()
    batch = answer.json()["data"]
    assert answer["Location"].endswith(f"/api/v1/batches/{batch['id']}")
    assert batch["status"] == "in_progress" and batch["priority"] == "low"
    counts = batch["requestCounts"]
    assert (counts["total"], counts["accepted"], counts["invalid"], counts["running"]) == (7, 3, 4, 3)
    errors = api.get(f"/api/v1/batches/{batch['id']}").json()["data"]["lineErrors"]
    assert [(e["line"], e["error"]["code"]) for e in errors] == [
        (2, "malformed_json"),
        (4, "duplicate_custom_id"),
        (5, "validation_error"),
        (6, "validation_error"),
    ]
    assert errors[2]["customId"] == "sku-3" and errors[2]["error"]["details"]  # the field that failed
    jobs = Job.objects.filter(batch_id=batch["id"]).order_by("batch_line")
    assert [(j.batch_line, j.custom_id, j.task_kind) for j in jobs] == [
        (1, "sku-1", "metadata_enrichment"),
        (3, "sku-2", "metadata_enrichment"),
        (8, "sku-5", "taxonomy_tagging"),
    ]
    assert all(job.published_at and job.events.filter(type="submitted").exists() for job in jobs)
    listed = api.get(f"/api/v1/generations?batchId={batch['id']}").json()["data"]
    assert {job["customId"] for job in listed} == {"sku-1", "sku-2", "sku-5"}


def test_a_json_body_is_a_batch_too_and_options_come_with_it(api):
    body = {"requests": [json.loads(_line("a")), json.loads(_line("b"))], "priority": "high", "metadata": {"run": "7"}}
    answer = api.post("/api/v1/batches", body, format="json")
    assert answer.status_code == 202
    batch = answer.json()["data"]
    assert batch["priority"] == "high" and batch["metadata"] == {"run": "7"}
    assert set(Job.objects.filter(batch_id=batch["id"]).values_list("priority", flat=True)) == {"high"}


def test_uploads_that_cannot_be_a_batch_are_refused_whole(api, settings):
    empty = _upload(api, [""])
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "empty_batch"
    settings.BEACON_BATCH_MAX_LINES = 2
    too_many = _upload(api, [_line("1"), _line("2"), _line("3")])
    assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "batch_too_large"
    none_good = _upload(api, ["[]", "{}"])
    assert none_good.status_code == 202 and none_good.json()["data"]["status"] == "failed"
    unsafe = _upload(api, [_line("x")], query="?webhookUrl=http://10.0.0.1/x")
    assert unsafe.status_code == 422
    wrong_type = api.generic("POST", "/api/v1/batches", b"a,b", content_type="text/csv")
    assert wrong_type.status_code == 415


def test_results_stream_by_line_while_the_batch_runs_and_it_settles_with_one_webhook(api, scripted, receiver):
    url, handler = receiver
    answer = _upload(api, [_line("a"), "oops", _line("b")], query=f"?webhookUrl={url}")
    batch_id = answer.json()["data"]["id"]
    first, second = Job.objects.filter(batch_id=batch_id).order_by("batch_line")
    job_run_inline(str(first.id))
    partial = _results(api, batch_id)
    assert [(r["line"], r["custom_id"], r["status"]) for r in partial] == [(1, "a", "completed"), (2, None, "invalid")]
    assert partial[0]["result"]["attributes"] and partial[1]["error"]["code"] == "malformed_json"
    assert batches_settle() == 0  # b is still queued

    job_run_inline(str(second.id))
    assert [r["status"] for r in _results(api, batch_id)] == ["completed", "invalid", "completed"]
    assert batches_settle() == 1 and batches_settle() == 0
    batch = api.get(f"/api/v1/batches/{batch_id}").json()["data"]
    assert batch["status"] == "completed" and batch["finishedAt"]
    assert batch["requestCounts"]["completed"] == 2 and batch["requestCounts"]["failed"] == 1
    [delivery] = WebhookDelivery.objects.filter(batch_id=batch_id)
    delivery_attempt(delivery_id=delivery.id)
    [(headers, body)] = handler.received
    sent = json.loads(body)
    assert sent["type"] == "batch.completed" and sent["data"]["id"] == batch_id
    assert headers["webhook-id"] == delivery.message_id and headers["webhook-signature"].startswith("v1,")


def test_cancel_stops_what_has_not_started_and_the_batch_ends_cancelled(api, scripted):
    batch_id = _upload(api, [_line("a"), _line("b"), _line("c")]).json()["data"]["id"]
    started = Job.objects.filter(batch_id=batch_id).order_by("batch_line").first()
    assert started is not None
    job_run_inline(str(started.id))
    cancelled = api.post(f"/api/v1/batches/{batch_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["data"]["status"] == "cancelling"
    statuses = dict(Job.objects.filter(batch_id=batch_id).values_list("custom_id", "status"))
    assert statuses == {"a": "completed", "b": "cancelled", "c": "cancelled"}
    assert batches_settle() == 1
    assert Batch.objects.get(id=batch_id).status == "cancelled"
    again = api.post(f"/api/v1/batches/{batch_id}/cancel")
    assert again.status_code == 200 and again.json()["data"]["status"] == "cancelled"


def test_a_batch_past_its_window_expires_and_its_unstarted_jobs_are_cancelled(api):
    batch_id = _upload(api, [_line("a"), _line("b")]).json()["data"]["id"]
    Batch.objects.filter(id=batch_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert batches_settle() == 1
    assert Batch.objects.get(id=batch_id).status == "expired"
    assert set(Job.objects.filter(batch_id=batch_id).values_list("status", flat=True)) == {"cancelled"}


def test_dispatch_sends_each_queued_job_once_per_run(api, settings):
    batch_id = _upload(api, [_line("a"), _line("b")]).json()["data"]["id"]
    assert batch_dispatch(batch_id=batch_id) == 2
    Batch.objects.filter(id=batch_id).update(status="cancelled")
    assert batch_dispatch(batch_id=batch_id) == 0  # a batch no longer running sends nothing


def test_other_organizations_and_other_projects_never_see_a_batch(api, org_factory):
    batch_id = _upload(api, [_line("a")]).json()["data"]["id"]
    _, other_key = org_factory("other-org", Role.ADMIN)
    other = client_for(other_key)
    for path in (f"/api/v1/batches/{batch_id}", f"/api/v1/batches/{batch_id}/results"):
        assert other.get(path).status_code == 404
    assert other.post(f"/api/v1/batches/{batch_id}/cancel").status_code == 404
    assert other.get("/api/v1/batches").json()["data"] == []
    acme = Job.objects.get(batch_id=batch_id).organization
    elsewhere = project_ensure(organization=acme, slug="elsewhere")
    limited = client_for(
        api_key_create(organization=acme, role=Role.EDITOR, project=elsewhere, project_only=True).raw_key
    )
    assert limited.get(f"/api/v1/batches/{batch_id}").status_code == 404
    assert api.get("/api/v1/batches").json()["data"][0]["id"] == batch_id


@pytest.mark.slow
def test_a_batch_runs_through_a_real_worker_and_settles(api, start_worker):
    start_worker(LLM_PROVIDER="scripted", beat=True, BEACON_BATCH_SETTLE_INTERVAL_SECONDS="1")
    content = "Red wool scarf by Nordic, item {}"
    lines = [_line(f"sku-{n}", parameters={"content": content.format(n), "locale": "en-US"}) for n in range(6)]
    batch_id = _upload(api, lines).json()["data"]["id"]
    wait_for(lambda: Batch.objects.get(id=batch_id).status == "completed", 90, message="the batch to complete")
    results = _results(api, batch_id)
    assert [r["custom_id"] for r in results] == [f"sku-{n}" for n in range(6)]
    assert all(r["status"] == "completed" and r["result"]["attributes"] for r in results)


def test_a_reupload_with_the_same_idempotency_key_makes_no_second_batch_or_job(api):
    lines = [_line("a"), _line("b")]
    body = ("\n".join(lines) + "\n").encode()

    def upload(content: bytes) -> Any:
        return api.generic(
            "POST", "/api/v1/batches", content, content_type="application/jsonl", HTTP_IDEMPOTENCY_KEY="catalog-7"
        )

    first = upload(body)
    again = upload(body)
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true" and again.json()["data"]["id"] == first.json()["data"]["id"]
    assert Batch.objects.count() == 1 and Job.objects.filter(batch__isnull=False).count() == 2
    changed = upload((_line("a") + "\n" + _line("c") + "\n").encode())
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_key_reused"


def test_a_batch_job_row_is_the_row_a_single_submission_makes(api):
    """Batch lines are written with COPY, not the ORM: every column must
    still hold what a single submission of the same request writes."""
    single = Job.objects.get(id=api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"])
    batch_id = _upload(api, [_line("same")], query="?priority=normal").json()["data"]["id"]
    batched = Job.objects.get(batch_id=batch_id)
    per_job = {"id", "created_at", "updated_at", "published_at", "deadline_at", "correlation_id", "options"}
    differ = per_job | {"batch", "batch_line", "custom_id"}
    for field in Job._meta.concrete_fields:
        if field.name not in differ:
            assert getattr(batched, field.attname) == getattr(single, field.attname), field.name
    assert batched.options == {"deadlineSeconds": batched.options["deadlineSeconds"]}
    assert batched.payload.raw and batched.events.get().data["customId"] == "same"
    assert batched.created_at == batched.updated_at == batched.published_at
