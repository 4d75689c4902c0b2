"""The synchronous client's smaller resources: templates, output schemas,
usage, webhook endpoints and API keys."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

import httpx

from beacon_client import _payloads
from beacon_client._resources import is_uuid, template_by_name
from beacon_client.models import ApiKey, OutputSchema, Template, TrashItem, Usage, WebhookEndpoint
from beacon_client.pagination import PageIterator, Params

T = TypeVar("T")


class Transport(Protocol):
    """What a resource needs of the client (`Beacon`)."""

    def request(self, method: str, url: str, *, json: Any = None) -> httpx.Response: ...

    def get_json(self, url: str, params: Params = None) -> dict[str, Any]: ...

    def pager(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T], limit: int | None = None
    ) -> PageIterator[T]: ...


class Templates:
    def __init__(self, client: Transport) -> None:
        self._client = client

    def list(self) -> PageIterator[Template]:
        return self._client.pager("/api/v1/templates", None, Template.from_api)

    def get(self, template: str) -> Template:
        """A template by id, or by name (the organization's own before the platform's)."""
        template_id = template if is_uuid(template) else template_by_name(list(self.list()), template).id
        return Template.from_api(self._client.get_json(f"/api/v1/templates/{template_id}")["data"])


class Schemas:
    def __init__(self, client: Transport) -> None:
        self._client = client

    def list(self) -> PageIterator[OutputSchema]:
        return self._client.pager("/api/v1/schemas", None, OutputSchema.from_api)

    def get(self, name: str) -> OutputSchema:
        return OutputSchema.from_api(self._client.get_json(f"/api/v1/schemas/{name}")["data"])


class UsageResource:
    def __init__(self, client: Transport) -> None:
        self._client = client

    def get(self, *, start: str | None = None, end: str | None = None, group_by: str | None = None) -> Usage:
        """Model calls, tokens and cost from `start` to `end` (dates, UTC), grouped by
        `day`, `taskKind`, `model` or `project`."""
        params = _payloads.usage_params(start=start, end=end, group_by=group_by)
        return Usage.from_api(self._client.get_json("/api/v1/usage", params))

    def quota(self) -> dict[str, Any]:
        quota: dict[str, Any] = self._client.get_json("/api/v1/usage/quota")["data"]
        return quota


class WebhookEndpoints:
    def __init__(self, client: Transport) -> None:
        self._client = client

    def list(self) -> PageIterator[WebhookEndpoint]:
        return self._client.pager("/api/v1/webhook-endpoints", None, WebhookEndpoint.from_api)

    def create(
        self, url: str, *, event_types: builtins.list[str] | None = None, description: str | None = None
    ) -> WebhookEndpoint:
        """A new endpoint; its `secret` is in this answer only."""
        body = _payloads.endpoint_body(url=url, event_types=event_types, description=description)
        response = self._client.request("POST", "/api/v1/webhook-endpoints", json=body)
        return WebhookEndpoint.from_api(response.json()["data"])

    def delete(self, endpoint_id: str) -> None:
        self._client.request("DELETE", f"/api/v1/webhook-endpoints/{endpoint_id}")


class Keys:
    def __init__(self, client: Transport) -> None:
        self._client = client

    def list(self) -> PageIterator[ApiKey]:
        return self._client.pager("/api/v1/keys", None, ApiKey.from_api)

    def create(
        self,
        name: str,
        *,
        role: str,
        scopes: builtins.list[str] | None = None,
        project_id: str | None = None,
        project_only: bool | None = None,
        expires_at: datetime | str | None = None,
        rate_limit_per_minute: int | None = None,
    ) -> ApiKey:
        """A new key; its raw value (`.key`) is in this answer only. `scopes`
        narrow what the role allows (none: all of it); a key never grants
        more than the key that makes it."""
        body = _payloads.key_body(
            name=name,
            role=role,
            scopes=scopes,
            project_id=project_id,
            project_only=project_only,
            expires_at=expires_at,
            rate_limit_per_minute=rate_limit_per_minute,
        )
        return ApiKey.from_api(self._client.request("POST", "/api/v1/keys", json=body).json()["data"])

    def rotate(self, key_id: str, *, overlap_seconds: int | None = None) -> ApiKey:
        """A new key with the old one's settings; the old one keeps working
        for `overlap_seconds` (Beacon's default: 24 hours; 0 stops it now)."""
        body = {} if overlap_seconds is None else {"overlapSeconds": overlap_seconds}
        response = self._client.request("POST", f"/api/v1/keys/{key_id}/rotate", json=body)
        return ApiKey.from_api(response.json()["data"])

    def get(self, key_id: str) -> ApiKey:
        return ApiKey.from_api((self._client.get_json(f"/api/v1/keys/{key_id}"))["data"])

    def revoke(self, key_id: str) -> None:
        self._client.request("DELETE", f"/api/v1/keys/{key_id}")


class Trash:
    """Soft delete: what is deleted can be restored for the server's grace
    period (30 days by default), then it is purged."""

    def __init__(self, client: Transport) -> None:
        self._client = client

    def list(self) -> builtins.list[TrashItem]:
        return [TrashItem.from_api(item) for item in self._client.get_json("/api/v1/trash")["data"]]

    def put(self, kind: str, object_id: str) -> TrashItem:
        """Move a job, result (by its job's id), schema, webhookEndpoint, project or key to the trash."""
        response = self._client.request("POST", "/api/v1/trash", json={"kind": kind, "id": object_id})
        return TrashItem.from_api(response.json()["data"])

    def restore(self, kind: str, object_id: str) -> TrashItem:
        """Take it back out; `Gone` (410) once the grace period has ended."""
        response = self._client.request("POST", f"/api/v1/trash/{kind}/{object_id}/restore")
        return TrashItem.from_api({"label": "", **response.json()["data"]})
