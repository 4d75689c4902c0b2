"""Scoped and project-limited keys, and the keys API that makes and rotates them."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from beacon.testing import client_for, generation_body
from tenants.models import ApiKey, Role
from tenants.services import api_key_create, project_ensure


@pytest.fixture
def acme(org_factory):
    org, admin_key = org_factory("acme", Role.ADMIN)
    return org, client_for(admin_key)


def _key(org, *, role=Role.EDITOR, scopes=None, project=None, project_only=False) -> str:
    return api_key_create(
        organization=org, role=role, scopes=scopes, project=project, project_only=project_only
    ).raw_key


def test_a_key_without_the_write_scope_reads_jobs_but_cannot_submit(acme):
    org, admin = acme
    job_id = admin.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    reader = client_for(_key(org, scopes=["generations:read"]))
    assert reader.get(f"/api/v1/generations/{job_id}").status_code == 200
    refused = reader.post("/api/v1/generations", generation_body(), format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert reader.get("/api/v1/templates").status_code == 403  # no templates:read
    assert reader.get("/api/v1/usage").status_code == 403


def test_scopes_never_widen_a_role(acme):
    org, _ = acme
    viewer = client_for(_key(org, role=Role.VIEWER, scopes=["generations:write", "generations:read"]))
    assert viewer.post("/api/v1/generations", generation_body(), format="json").status_code == 403


def test_every_api_view_names_its_scope_family():
    """A view without one is closed to every scoped key, so forgetting it is
    safe but unusable: this keeps the families complete."""
    unscoped = []
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLPattern) or not str(pattern.pattern).startswith("api/v1/"):
            continue
        view = getattr(pattern.callback, "cls", None)  # DRF views only
        if view is None or getattr(view, "authentication_classes", None) == []:
            continue  # public or non-DRF views (health, schema)
        permissions = getattr(view, "permission_classes", None)
        if permissions == [] or "Operator" in str(permissions) or "graphql" in str(pattern.pattern):
            continue
        if not hasattr(view, "scope_family"):
            unscoped.append(str(pattern.pattern))
    assert unscoped == []


def test_a_project_limited_key_sees_only_its_projects_jobs(acme):
    org, admin = acme
    other_project = project_ensure(organization=org, slug="other")
    other = client_for(_key(org, project=other_project))
    others_job = other.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    limited = client_for(_key(org, project_only=True))  # the default project
    own_job = limited.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]

    assert limited.get(f"/api/v1/generations/{others_job}").status_code == 404
    assert limited.delete(f"/api/v1/generations/{others_job}").status_code == 404
    assert limited.get(f"/api/v1/generations/{others_job}/events").status_code == 404
    listed = {job["id"] for job in limited.get("/api/v1/generations").json()["data"]}
    assert listed == {own_job}
    # An organization-wide key still sees both.
    assert {job["id"] for job in admin.get("/api/v1/generations").json()["data"]} >= {own_job, others_job}


def test_admin_creates_a_scoped_key_shown_once_with_location(acme):
    _, admin = acme
    created = admin.post(
        "/api/v1/keys", {"name": "ci", "role": "editor", "scopes": ["generations:read"]}, format="json"
    )
    assert created.status_code == 201
    body = created.json()["data"]
    assert body["key"].startswith("bk_") and body["scopes"] == ["generations:read"]
    assert created["Location"].endswith(f"/api/v1/keys/{body['id']}")
    shown = admin.get(f"/api/v1/keys/{body['id']}").json()["data"]
    assert "key" not in shown and shown["prefix"] == body["prefix"]
    assert ApiKey.objects.get(id=body["id"]).key_hash != body["key"]


def test_unknown_scopes_are_a_422_naming_the_field(acme):
    _, admin = acme
    answer = admin.post("/api/v1/keys", {"scopes": ["generations:read", "everything"]}, format="json")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"].startswith("scopes")


def test_a_key_cannot_mint_a_wider_key(acme):
    org, _ = acme
    narrow_admin = client_for(_key(org, role=Role.ADMIN, scopes=["keys:read", "keys:write", "generations:read"]))
    wider = narrow_admin.post("/api/v1/keys", {"scopes": ["generations:write"]}, format="json")
    assert wider.status_code == 403
    everything = narrow_admin.post("/api/v1/keys", {}, format="json")  # no scopes listed: all of them
    assert everything.status_code == 403
    limited_admin = client_for(_key(org, role=Role.ADMIN, project_only=True))
    assert limited_admin.post("/api/v1/keys", {"projectOnly": False}, format="json").status_code == 403
    assert limited_admin.post("/api/v1/keys", {"projectOnly": True}, format="json").status_code == 201


def test_editors_cannot_manage_keys_and_other_organizations_keys_are_invisible(acme, org_factory):
    org, admin = acme
    _, beta_admin_key = org_factory("beta", Role.ADMIN)
    editor = client_for(_key(org))
    assert editor.get("/api/v1/keys").status_code == 403
    acme_key = admin.post("/api/v1/keys", {"name": "x"}, format="json").json()["data"]["id"]
    beta = client_for(beta_admin_key)
    assert beta.get(f"/api/v1/keys/{acme_key}").status_code == 404
    assert beta.delete(f"/api/v1/keys/{acme_key}").status_code == 404
    assert acme_key not in {key["id"] for key in beta.get("/api/v1/keys").json()["data"]}


def test_rotation_keeps_the_old_key_working_for_the_overlap_then_not(acme):
    _, admin = acme
    created = admin.post("/api/v1/keys", {"name": "svc", "scopes": ["generations:read"]}, format="json")
    old = created.json()["data"]
    rotated = admin.post(f"/api/v1/keys/{old['id']}/rotate", {"overlapSeconds": 3600}, format="json")
    assert rotated.status_code == 201
    new = rotated.json()["data"]
    assert new["key"] != old["key"] and new["scopes"] == ["generations:read"] and new["name"] == "svc"
    assert client_for(old["key"]).get("/api/v1/generations").status_code == 200  # still in its overlap
    assert client_for(new["key"]).get("/api/v1/generations").status_code == 200
    ApiKey.objects.filter(id=old["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_for(old["key"]).get("/api/v1/generations").status_code == 401
    immediate = admin.post(f"/api/v1/keys/{new['id']}/rotate", {"overlapSeconds": 0}, format="json").json()["data"]
    assert client_for(new["key"]).get("/api/v1/generations").status_code == 401
    assert client_for(immediate["key"]).get("/api/v1/generations").status_code == 200


def test_revoking_a_key_stops_it_at_once(acme):
    _, admin = acme
    created = admin.post("/api/v1/keys", {"name": "gone"}, format="json").json()["data"]
    assert admin.delete(f"/api/v1/keys/{created['id']}").status_code == 204
    assert client_for(created["key"]).get("/api/v1/generations").status_code == 401
    conflict = admin.post(f"/api/v1/keys/{created['id']}/rotate", {}, format="json")
    assert conflict.status_code == 409


def test_last_used_at_is_kept(acme):
    org, _ = acme
    raw = _key(org)
    key = ApiKey.objects.get(prefix=raw[:10])
    assert key.last_used_at is None
    client_for(raw).get("/api/v1/generations")
    key.refresh_from_db()
    assert key.last_used_at is not None
