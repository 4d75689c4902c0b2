"""Soft delete: jobs, results, schemas, webhook endpoints, projects and keys
go to the trash (hidden at once), come back within the grace period, and are
purged after it; a legal hold keeps a deleted job's content."""

from datetime import timedelta

import pytest
from django.utils import timezone

from beacon.testing import client_for, generation_body, job_run_inline
from jobs.models import Job, JobEvent, JobPayload, WebhookDelivery, WebhookEndpoint
from jobs.services.legal_holds import legal_hold_place
from jobs.services.trash import trash_purge
from tenants.models import ApiKey, Project, Role
from tenants.services import api_key_create, project_ensure
from validation.models import OutputSchema

pytestmark = pytest.mark.django_db

SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


def _ended(api) -> str:
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    return job_id


def _admin(org_factory):
    org, key = org_factory("acme", Role.ADMIN)
    return org, client_for(key)


def _age(model, pk, days=31) -> None:
    model.objects.filter(pk=pk).update(deleted_at=timezone.now() - timedelta(days=days))


def test_a_deleted_job_is_hidden_restorable_and_listed_in_the_trash(api, scripted):
    job_id = _ended(api)
    moved = api.post("/api/v1/trash", {"kind": "job", "id": job_id}, format="json")
    assert moved.status_code == 200 and moved.json()["data"]["restorableUntil"]
    assert api.get(f"/api/v1/generations/{job_id}").status_code == 404
    assert job_id not in [row["id"] for row in api.get("/api/v1/generations").json()["data"]]
    listed = api.get("/api/v1/trash").json()["data"]
    assert [(item["kind"], item["id"]) for item in listed] == [("job", job_id)]

    restored = api.post(f"/api/v1/trash/job/{job_id}/restore")
    assert restored.status_code == 200 and restored.json()["data"]["deletedAt"] is None
    assert api.get(f"/api/v1/generations/{job_id}").json()["data"]["status"] == "completed"
    again = api.post(f"/api/v1/trash/job/{job_id}/restore")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"


def test_a_running_job_cannot_be_deleted_and_bad_input_is_a_clear_error(api, scripted):
    running = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    refused = api.post("/api/v1/trash", {"kind": "job", "id": running}, format="json")
    assert refused.status_code == 409 and "cancel it first" in refused.json()["error"]["message"]
    unknown = api.post("/api/v1/trash", {"kind": "planet", "id": running}, format="json")
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "validation_error"
    assert api.post("/api/v1/trash", {"kind": "job", "id": "nope"}, format="json").status_code == 404
    assert api.post(f"/api/v1/trash/planet/{running}/restore").status_code == 404


def test_restore_after_the_grace_period_is_410_and_the_purge_empties_the_job(api, scripted):
    job_id = _ended(api)
    api.post("/api/v1/trash", {"kind": "job", "id": job_id}, format="json")
    _age(Job, job_id)
    late = api.post(f"/api/v1/trash/job/{job_id}/restore")
    assert late.status_code == 410 and late.json()["error"]["code"] == "restore_window_closed"

    counts = trash_purge()
    assert counts["job"] == 1
    job = Job.objects.get(pk=job_id)  # the row stays, for usage and invoices
    assert job.content_purged_at is not None and job.cost_usd >= 0
    assert job.result.output is None and not JobEvent.objects.filter(job_id=job_id).exists()
    assert JobPayload.objects.get(job_id=job_id).raw == b""
    assert trash_purge()["job"] == 0  # idempotent
    assert api.get("/api/v1/trash").json()["data"] == []


def test_a_legal_hold_keeps_a_deleted_jobs_content_past_the_grace_period(api, scripted, org_factory):
    org, _ = org_factory("acme")
    job_id = _ended(api)
    api.post("/api/v1/trash", {"kind": "job", "id": job_id}, format="json")
    _age(Job, job_id)
    legal_hold_place(organization=org, job=Job.objects.get(pk=job_id), reason="litigation", placed_by="t")
    assert trash_purge()["job"] == 0
    assert JobEvent.objects.filter(job_id=job_id).exists()


def test_a_result_alone_goes_to_the_trash_and_comes_back(api, scripted):
    job_id = _ended(api)
    output = api.get(f"/api/v1/generations/{job_id}").json()["data"]["result"]
    assert api.post("/api/v1/trash", {"kind": "result", "id": job_id}, format="json").status_code == 200
    shown = api.get(f"/api/v1/generations/{job_id}").json()["data"]
    assert shown["result"] is None and shown["resultDeletedAt"] and shown["status"] == "completed"
    api.post(f"/api/v1/trash/result/{job_id}/restore")
    assert api.get(f"/api/v1/generations/{job_id}").json()["data"]["result"] == output
    api.post("/api/v1/trash", {"kind": "result", "id": job_id}, format="json")
    Job.objects.get(pk=job_id).result.__class__.objects.filter(job_id=job_id).update(
        deleted_at=timezone.now() - timedelta(days=31)
    )
    assert trash_purge()["result"] == 1
    assert api.get(f"/api/v1/generations/{job_id}").json()["data"]["resultPurgedAt"]


def test_a_deleted_key_stops_working_and_works_again_when_restored(org_factory):
    org, admin = _admin(org_factory)
    project = Project.objects.get(organization=org, slug="default")
    issued = api_key_create(organization=org, project=project, role=Role.EDITOR)
    user = client_for(issued.raw_key)
    assert user.get("/api/v1/generations").status_code == 200
    assert admin.post("/api/v1/trash", {"kind": "key", "id": str(issued.api_key.id)}, format="json").status_code == 200
    assert user.get("/api/v1/generations").status_code == 401
    assert admin.get(f"/api/v1/keys/{issued.api_key.id}").status_code == 404
    admin.post(f"/api/v1/trash/key/{issued.api_key.id}/restore")
    assert user.get("/api/v1/generations").status_code == 200
    admin.post("/api/v1/trash", {"kind": "key", "id": str(issued.api_key.id)}, format="json")
    _age(ApiKey, issued.api_key.id)
    assert trash_purge()["key"] == 1 and not ApiKey.objects.filter(pk=issued.api_key.id).exists()


def test_editors_cannot_delete_keys_projects_or_endpoints(api, org_factory):
    org, _ = org_factory("acme")
    project = Project.objects.get(organization=org, slug="default")
    refused = api.post("/api/v1/trash", {"kind": "project", "id": str(project.id)}, format="json")
    assert refused.status_code == 403


def test_a_project_in_the_trash_disables_its_keys_and_one_with_jobs_is_kept_at_purge(org_factory, scripted):
    org, admin = _admin(org_factory)
    other = project_ensure(organization=org, slug="launch")
    issued = api_key_create(organization=org, project=other, role=Role.EDITOR)
    user = client_for(issued.raw_key)
    job_id = _ended(user)
    default = Project.objects.get(organization=org, slug="default")
    assert admin.post("/api/v1/trash", {"kind": "project", "id": str(other.id)}, format="json").status_code == 200
    assert user.get("/api/v1/generations").status_code == 401
    last = admin.post("/api/v1/trash", {"kind": "project", "id": str(default.id)}, format="json")
    assert last.status_code == 409 and last.json()["error"]["code"] == "last_project"
    _age(Project, other.id)
    counts = trash_purge()
    assert counts["project"] == 0 and counts["projectKept"] == 1  # its job still points at it
    assert Job.objects.filter(pk=job_id).exists()


def test_a_deleted_webhook_endpoint_gets_no_deliveries_and_is_purged(org_factory, scripted, receiver):
    url, _ = receiver
    _, admin = _admin(org_factory)
    created = admin.post("/api/v1/webhook-endpoints", {"url": url}, format="json").json()["data"]
    assert admin.delete(f"/api/v1/webhook-endpoints/{created['id']}").status_code == 204
    assert admin.get(f"/api/v1/webhook-endpoints/{created['id']}").status_code == 404
    assert WebhookEndpoint.objects.get(pk=created["id"]).deleted_at is not None
    assert [i["kind"] for i in admin.get("/api/v1/trash").json()["data"]] == ["webhookEndpoint"]
    _ended(admin)
    assert not WebhookDelivery.objects.filter(endpoint_id=created["id"]).exists()
    _age(WebhookEndpoint, created["id"])
    assert trash_purge()["webhookEndpoint"] == 1


def test_a_schema_goes_to_the_trash_its_name_stays_reserved_and_it_is_restored(api):
    assert api.post("/api/v1/schemas", {"name": "card", "jsonSchema": SCHEMA}, format="json").status_code == 201
    assert api.delete("/api/v1/schemas/card").status_code == 204
    assert api.get("/api/v1/schemas/card").status_code == 404
    again = api.post("/api/v1/schemas", {"name": "card", "jsonSchema": SCHEMA}, format="json")
    assert again.status_code == 409 and "in the trash" in again.json()["error"]["message"]
    schema = OutputSchema.objects.get(name="card")
    assert api.post(f"/api/v1/trash/schema/{schema.id}/restore").status_code == 200
    assert api.get("/api/v1/schemas/card").status_code == 200
    api.delete("/api/v1/schemas/card")
    _age(OutputSchema, schema.id)
    assert trash_purge()["schema"] == 1 and not OutputSchema.objects.filter(pk=schema.id).exists()


def test_another_organizations_rows_are_not_found(api, org_factory):
    _, other_key = org_factory("globex", Role.ADMIN)
    other = client_for(other_key)
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    assert other.post("/api/v1/trash", {"kind": "job", "id": job_id}, format="json").status_code == 404
