from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from beacon.testing import client_for, generation_body
from tenants.models import ApiKey, Role
from tenants.selectors import api_key_by_raw
from tenants.services import api_key_revoke

pytestmark = pytest.mark.django_db


def test_missing_key_is_401_in_error_format(client):
    response = client.get("/api/v1/generations")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_unknown_key_is_401(client):
    response = client.get("/api/v1/generations", HTTP_AUTHORIZATION="Bearer bk_not-a-real-key")
    assert response.status_code == 401


def test_wrong_scheme_is_401(client, org_factory):
    _, key = org_factory()
    response = client.get("/api/v1/generations", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_revoked_and_expired_keys_are_refused(org_factory):
    _, key = org_factory()
    api_key = api_key_by_raw(raw_key=key)
    assert api_key is not None
    api_key_revoke(api_key=api_key)
    assert client_for(key).get("/api/v1/generations").status_code == 401

    _, other = org_factory("other")
    ApiKey.objects.filter(prefix=other[:10]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_for(other).get("/api/v1/generations").status_code == 401


def test_only_the_hash_of_a_key_is_stored(org_factory):
    _, key = org_factory()
    stored = ApiKey.objects.get(prefix=key[:10])
    assert key not in (stored.key_hash, stored.prefix, stored.name)
    assert len(stored.key_hash) == 64


def test_viewer_reads_but_cannot_submit_or_cancel(org_factory):
    _, editor_key = org_factory("acme", Role.EDITOR)
    _, viewer_key = org_factory("acme", Role.VIEWER)
    created = client_for(editor_key).post("/api/v1/generations", generation_body(), format="json")
    job_id = created.json()["data"]["id"]

    viewer = client_for(viewer_key)
    assert viewer.get(f"/api/v1/generations/{job_id}").status_code == 200
    refused = viewer.post("/api/v1/generations", generation_body(), format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert viewer.delete(f"/api/v1/generations/{job_id}").status_code == 403


def test_apikey_create_prints_only_the_key_and_creates_org_and_project():
    out = StringIO()
    call_command("apikey_create", "--org", "newco", "--role", "viewer", "--project", "shop", stdout=out)
    raw = out.getvalue().strip()
    assert "\n" not in raw and raw.startswith("bk_")
    api_key = api_key_by_raw(raw_key=raw)
    assert api_key is not None and api_key.project is not None
    assert (api_key.organization.slug, api_key.project.slug, api_key.role) == ("newco", "shop", "viewer")
