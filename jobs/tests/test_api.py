import uuid

import pytest

from beacon.testing import client_for, generation_body
from jobs.models import Job, JobEvent
from prompts.task_kinds import task_kind_get
from tenants.models import Role

pytestmark = pytest.mark.django_db


def test_submit_answers_202_with_location_and_queued_job(api):
    response = api.post("/api/v1/generations", generation_body(), format="json")
    assert response.status_code == 202
    data = response.json()["data"]
    assert data["status"] == "queued"
    assert response["Location"].endswith(f"/api/v1/generations/{data['id']}")
    assert response["X-Request-ID"]
    job = Job.objects.get(pk=data["id"])
    assert job.correlation_id == response["X-Request-ID"]
    assert list(job.events.values_list("type", flat=True)) == ["submitted"]


def test_raw_input_is_stored_encrypted(api):
    data = api.post("/api/v1/generations", generation_body(content="Secret sauce shirt"), format="json").json()
    job = Job.objects.get(pk=data["data"]["id"])
    assert b"Secret sauce" not in bytes(job.payload.raw)


def test_template_id_may_be_the_task_kind_uuid(api):
    kind = task_kind_get("taxonomy_tagging")
    assert kind is not None
    response = api.post("/api/v1/generations", generation_body(str(kind.uuid)), format="json")
    assert response.status_code == 202
    assert response.json()["data"]["templateId"] == "taxonomy_tagging"


def test_get_shows_the_job_and_events_show_its_history(api):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    detail = api.get(f"/api/v1/generations/{job_id}").json()["data"]
    assert detail["id"] == job_id and detail["stage"] == "prepare"
    events = api.get(f"/api/v1/generations/{job_id}/events").json()["data"]
    assert events[0]["type"] == "submitted" and events[0]["toStatus"] == "queued"


def test_list_is_paginated_with_meta_and_links_and_filters(api):
    for kind in ["metadata_enrichment", "metadata_enrichment", "taxonomy_tagging"]:
        api.post("/api/v1/generations", generation_body(kind), format="json")
    page = api.get("/api/v1/generations?perPage=2").json()
    assert page["meta"] == {"page": 1, "perPage": 2, "total": 3, "totalPages": 2}
    assert page["links"]["next"] and page["links"]["prev"] is None
    assert len(page["data"]) == 2
    tagged = api.get("/api/v1/generations?templateId=taxonomy_tagging").json()
    assert tagged["meta"]["total"] == 1
    assert api.get("/api/v1/generations?status=completed").json()["meta"]["total"] == 0


def test_another_organizations_job_is_404_everywhere(api, org_factory):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    _, stranger_key = org_factory("globex", Role.ADMIN)
    stranger = client_for(stranger_key)
    for response in (
        stranger.get(f"/api/v1/generations/{job_id}"),
        stranger.get(f"/api/v1/generations/{job_id}/events"),
        stranger.delete(f"/api/v1/generations/{job_id}"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert stranger.get("/api/v1/generations").json()["meta"]["total"] == 0
    assert Job.objects.get(pk=job_id).status == "queued"


def test_unknown_job_is_404(api):
    assert api.get(f"/api/v1/generations/{uuid.uuid4()}").status_code == 404


def test_cancel_is_204_then_409_once_terminal(api):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    assert api.delete(f"/api/v1/generations/{job_id}").status_code == 204
    again = api.delete(f"/api/v1/generations/{job_id}")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_state"
    assert Job.objects.get(pk=job_id).status == "cancelled"
    assert JobEvent.objects.filter(job_id=job_id, to_status="cancelled").count() == 1


def test_openapi_schema_is_3_1_and_public(client):
    response = client.get("/api/v1/schema?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/generations/{job_id}/events" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_health_is_public_and_detailed_health_is_for_operators_only(client, org_factory, ops):
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    _, viewer_key = org_factory("acme", Role.VIEWER)
    _, admin_key = org_factory("acme", Role.ADMIN)
    # A tenant's admin key is not an operator: the endpoint describes the whole deployment.
    for key in (viewer_key, admin_key):
        assert client_for(key).get("/api/v1/health/detailed").status_code in (401, 403)
    assert client.get("/api/v1/health/detailed", HTTP_AUTHORIZATION="Bearer wrong").status_code in (401, 403)
    detailed = ops.get("/api/v1/health/detailed")
    body = detailed.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    # No worker runs in this test, so the deep check reports degraded, honestly,
    # and says which part is down without host names or exception text.
    assert detailed.status_code == 503 and not body["checks"]["workers"]["ok"]
    assert body["checks"]["workers"]["detail"] == "unavailable (RuntimeError)"


def test_metrics_need_the_operator_token_and_one_scrape_serves_the_next(client, ops, settings, api):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert api.get("/metrics").status_code == 404  # a tenant's key is not the operator's token
    settings.BEACON_METRICS_CACHE_SECONDS = 60
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert ops.get("/metrics").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert ops.get("/metrics").status_code == 200
    assert len(second.captured_queries) == 0
