"""Legal holds on an organization, a project or one job: placed and lifted
through the API by organization admins, on record, and kept by every purge."""

from datetime import timedelta

import pytest

from beacon.testing import client_for, generation_body, job_run_inline, jobs_age
from jobs.models import Job, LegalHold
from jobs.services import retention
from tenants.models import AuditLog, Role
from tenants.services import api_key_create, project_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org_factory):
    org, key = org_factory("acme", Role.ADMIN)
    return org, client_for(key)


def _finished(client, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        job_id = client.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
        job_run_inline(job_id)
        ids.append(job_id)
    jobs_age(ids, timedelta(days=400))
    return ids


def _purge_all() -> None:
    retention.payloads_purge()
    retention.results_purge()


def _kept(job_id: str) -> bool:
    job = Job.objects.get(pk=job_id)
    return bytes(job.payload.raw) != b"" and job.result.output is not None


def test_a_hold_on_one_job_keeps_it_through_every_purge_and_lifting_lets_retention_apply(admin, scripted):
    org, client = admin
    held, other = _finished(client, 2)
    response = client.post("/api/v1/legal-holds", {"scope": "job", "jobId": held, "reason": "case 42"}, format="json")
    assert response.status_code == 201, response.content
    hold = response.json()["data"]
    assert response["Location"].endswith(f"/api/v1/legal-holds/{hold['id']}")
    assert (hold["scope"], hold["jobId"], hold["active"]) == ("job", held, True)
    assert hold["placedBy"].startswith("acme/")  # the key's organization and visible prefix
    _purge_all()
    assert _kept(held) and not _kept(other)

    lifted = client.delete(f"/api/v1/legal-holds/{hold['id']}")
    assert lifted.status_code == 200 and lifted.json()["data"]["active"] is False
    assert lifted.json()["data"]["liftedAt"] is not None
    _purge_all()
    assert not _kept(held)
    # Both requests are in the organization's audit log.
    routes = set(AuditLog.objects.filter(organization_id=org.id).values_list("method", "route"))
    assert any(method == "POST" and "legal-holds" in route for method, route in routes), routes
    assert any(method == "DELETE" and "legal-holds" in route for method, route in routes), routes


def test_a_hold_on_the_organization_or_a_project_keeps_all_their_jobs(admin, scripted):
    _, client = admin
    jobs = _finished(client, 2)
    hold = client.post("/api/v1/legal-holds", {"scope": "organization", "reason": "audit"}, format="json").json()
    _purge_all()
    assert all(_kept(job_id) for job_id in jobs)
    client.delete(f"/api/v1/legal-holds/{hold['data']['id']}")

    project_id = str(Job.objects.get(pk=jobs[0]).project_id)
    by_project = client.post(
        "/api/v1/legal-holds", {"scope": "project", "projectId": project_id, "reason": "dispute"}, format="json"
    )
    assert by_project.status_code == 201
    _purge_all()
    assert all(_kept(job_id) for job_id in jobs)
    listed = client.get("/api/v1/legal-holds").json()
    assert [h["scope"] for h in listed["data"]] == ["project", "organization"]
    assert [h["active"] for h in listed["data"]] == [True, False]


def test_bad_holds_get_clear_errors_and_other_organizations_see_nothing(admin, scripted, org_factory):
    _, client = admin
    (job_id,) = _finished(client, 1)
    missing = client.post("/api/v1/legal-holds", {"scope": "job", "reason": "x"}, format="json")
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "validation_error"
    mixed = client.post("/api/v1/legal-holds", {"scope": "organization", "jobId": job_id, "reason": "x"}, format="json")
    assert mixed.status_code == 422
    hold = client.post("/api/v1/legal-holds", {"scope": "job", "jobId": job_id, "reason": "x"}, format="json").json()

    _, other_key = org_factory("globex", Role.ADMIN)
    other = client_for(other_key)
    assert other.get(f"/api/v1/legal-holds/{hold['data']['id']}").status_code == 404
    foreign = other.post("/api/v1/legal-holds", {"scope": "job", "jobId": job_id, "reason": "x"}, format="json")
    assert foreign.status_code == 404
    assert other.get("/api/v1/legal-holds").json()["data"] == []


def test_only_admins_not_limited_to_a_project_manage_holds(admin, org_factory):
    org, _ = admin
    _, editor_key = org_factory("acme", Role.EDITOR)
    assert client_for(editor_key).get("/api/v1/legal-holds").status_code == 403
    project = project_ensure(organization=org, slug="default")
    limited = api_key_create(organization=org, project=project, role=Role.ADMIN, project_only=True)
    body = {"scope": "organization", "reason": "x"}
    refused = client_for(limited.raw_key).post("/api/v1/legal-holds", body, format="json")
    assert refused.status_code == 403
    assert not LegalHold.objects.exists()
