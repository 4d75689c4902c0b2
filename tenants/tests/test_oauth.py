"""OAuth 2.0 client credentials: a service gets a short-lived token with
scopes and uses it wherever an API key works."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from beacon.testing import client_for, generation_body
from tenants.models import Role


@pytest.fixture
def admin(org_factory):
    _, key = org_factory("acme", Role.ADMIN)
    return client_for(key)


def _register(admin, **body) -> dict:
    created = admin.post("/api/v1/oauth-clients", {"name": "catalog-sync", **body}, format="json")
    assert created.status_code == 201, created.content
    return created.json()["data"]


def _token(client_id: str, secret: str, scope: str | None = None) -> tuple[int, dict]:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    answer = Client().post("/api/v1/oauth/token", form, HTTP_AUTHORIZATION=f"Basic {basic}")
    return answer.status_code, answer.json()


def test_client_credentials_give_a_short_lived_token_that_works_like_a_key(admin):
    registered = _register(admin, role="editor", scopes=["generations:read", "generations:write"])
    assert (
        registered["clientSecret"]
        and "clientSecret" not in admin.get(f"/api/v1/oauth-clients/{registered['id']}").json()["data"]
    )
    status, token = _token(registered["clientId"], registered["clientSecret"])
    assert status == 200 and token["token_type"] == "Bearer"
    assert token["expires_in"] <= 900 and set(token["scope"].split()) == {"generations:read", "generations:write"}
    service = client_for(token["access_token"])
    submitted = service.post("/api/v1/generations", generation_body(), format="json")
    assert submitted.status_code == 202
    job_id = submitted.json()["data"]["id"]
    assert service.get(f"/api/v1/generations/{job_id}").status_code == 200
    assert service.get("/api/v1/templates").status_code == 403  # outside the client's scopes
    stored = AccessToken.objects.get()
    assert stored.token == "" and stored.token_checksum  # only the checksum is kept


def test_a_token_asked_with_fewer_scopes_is_narrower(admin):
    registered = _register(admin, role="editor")  # no scopes listed: all the role allows
    status, token = _token(registered["clientId"], registered["clientSecret"], scope="generations:read")
    assert status == 200 and token["scope"] == "generations:read"
    service = client_for(token["access_token"])
    assert service.get("/api/v1/generations").status_code == 200
    assert service.post("/api/v1/generations", generation_body(), format="json").status_code == 403


def test_a_client_cannot_ask_for_scopes_it_was_not_given(admin):
    registered = _register(admin, scopes=["generations:read"])
    status, body = _token(registered["clientId"], registered["clientSecret"], scope="generations:write")
    assert status == 400 and body["error"] == "invalid_scope"


def test_bad_secrets_expired_tokens_and_revoked_clients_are_refused(admin):
    registered = _register(admin)
    status, body = _token(registered["clientId"], "not-the-secret")
    assert status == 401 and body["error"] == "invalid_client"
    _, token = _token(registered["clientId"], registered["clientSecret"])
    service = client_for(token["access_token"])
    assert service.get("/api/v1/generations").status_code == 200
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    expired = service.get("/api/v1/generations")
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "unauthenticated"
    _, fresh = _token(registered["clientId"], registered["clientSecret"])
    assert admin.delete(f"/api/v1/oauth-clients/{registered['id']}").status_code == 204
    assert client_for(fresh["access_token"]).get("/api/v1/generations").status_code == 401
    status, _ = _token(registered["clientId"], registered["clientSecret"])
    assert status == 401


def test_another_organization_cannot_see_or_revoke_a_client(admin, org_factory):
    registered = _register(admin)
    _, beta_key = org_factory("beta", Role.ADMIN)
    beta = client_for(beta_key)
    assert beta.get(f"/api/v1/oauth-clients/{registered['id']}").status_code == 404
    assert beta.delete(f"/api/v1/oauth-clients/{registered['id']}").status_code == 404
    _, token = _token(registered["clientId"], registered["clientSecret"])
    acme_job = client_for(token["access_token"]).post("/api/v1/generations", generation_body(), format="json")
    assert beta.get(f"/api/v1/generations/{acme_job.json()['data']['id']}").status_code == 404
