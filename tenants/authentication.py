"""`Authorization: Bearer <credential>` authentication for the REST API: an
API key (`bk_...`) or an OAuth 2.0 access token (tenants/oauth.py). Both
resolve to an ApiKey, so the rest of Beacon sees one kind of caller."""

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from common.correlation import log_context_bind
from tenants.key_cache import api_key_authenticate
from tenants.models import ApiKey
from tenants.oauth import api_key_for_access_token
from tenants.services import KEY_PREFIX


class ApiPrincipal:
    """The caller: an API key acting for its organization.

    DRF wants a user object; this one is always authenticated and carries the
    key, so views reach the organization as `request.auth.organization`.
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key

    def __str__(self) -> str:
        return f"api-key:{self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiPrincipal, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not raw.strip():
            raise exceptions.AuthenticationFailed("Use `Authorization: Bearer <api key or access token>`.")
        raw = raw.strip()
        if raw.startswith(KEY_PREFIX):
            api_key = api_key_authenticate(raw_key=raw)
            if api_key is None:
                raise exceptions.AuthenticationFailed("The API key is invalid, expired or revoked.")
        else:
            api_key = api_key_for_access_token(raw)
            if api_key is None:
                raise exceptions.AuthenticationFailed("The access token is invalid, expired or revoked.")
        log_context_bind(org=api_key.organization_id)
        _last_used_touch(api_key)
        # For the audit log's middleware, which sees Django's request, not DRF's.
        setattr(request._request, "beacon_api_key", api_key)  # noqa: B010 - an attribute Django does not declare
        return ApiPrincipal(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) when credentials are missing.
        return self.keyword


# `last_used_at` is for a person deciding whether a key can go: to the
# minute is enough, and one write a minute keeps it off the hot path.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _last_used_touch(api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiKey.objects.filter(stale, pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


def request_api_key(request: Any) -> ApiKey:
    api_key = request.auth
    assert isinstance(api_key, ApiKey), "view reached without API key authentication"
    return api_key


def request_actor(request: Any) -> str:
    """Who made a change, for records like label moves and versions: the key's
    organization and visible prefix (never the key itself)."""
    key = request_api_key(request)
    return f"{key.organization.slug}/{key.prefix}"


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Tells the OpenAPI schema how requests authenticate: a bearer API key."""

    target_class = "tenants.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (`Authorization: Bearer bk_...`) or an OAuth 2.0 access token from "
            "`POST /api/v1/oauth/token` (client credentials).",
        }
