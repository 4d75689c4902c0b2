"""Request bodies and query parameters, built once for both clients."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any


def generation_body(
    template_id: str,
    parameters: dict[str, Any],
    *,
    template_version: str | None,
    output_schema: dict[str, Any] | None,
    options: dict[str, Any] | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"templateId": template_id, "parameters": parameters}
    if template_version is not None:
        body["templateVersion"] = template_version
    if output_schema is not None:
        body["outputSchema"] = output_schema
    if options:
        body["options"] = options
    return body


def _iso(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def generation_filters(
    *,
    status: str | Iterable[str] | None,
    template_id: str | None,
    project_id: str | None,
    batch_id: str | None,
    created_after: datetime | str | None,
    created_before: datetime | str | None,
    per_page: int | None,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "templateId": template_id,
        "projectId": project_id,
        "batchId": batch_id,
        "createdAfter": _iso(created_after),
        "createdBefore": _iso(created_before),
        "perPage": per_page,
    }
    if status is not None:
        params["status"] = [status] if isinstance(status, str) else list(status)
    return {name: value for name, value in params.items() if value is not None}


def key_body(
    *,
    name: str,
    role: str,
    scopes: list[str] | None,
    project_id: str | None,
    project_only: bool | None,
    expires_at: datetime | str | None,
    rate_limit_per_minute: int | None,
) -> dict[str, Any]:
    optional = {
        "scopes": scopes,
        "projectId": project_id,
        "projectOnly": project_only,
        "expiresAt": _iso(expires_at),
        "rateLimitPerMinute": rate_limit_per_minute,
    }
    return {"name": name, "role": role, **{field: value for field, value in optional.items() if value is not None}}


def endpoint_body(*, url: str, event_types: list[str] | None, description: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"url": url}
    if event_types is not None:
        body["eventTypes"] = event_types
    if description is not None:
        body["description"] = description
    return body


def usage_params(*, start: str | None, end: str | None, group_by: str | None) -> dict[str, Any]:
    params = {"from": start, "to": end, "groupBy": group_by}
    return {name: value for name, value in params.items() if value is not None}
