"""What an organization sets up and reads about itself: templates, output
schemas, usage, webhook endpoints and API keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from beacon_client.models._fields import decimal_of, int_of, str_of, time_of


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    platform: bool
    task_kind: str
    description: str
    owner: str
    sensitive: bool
    versions: list[dict[str, Any]]
    labels: list[dict[str, Any]]
    created_at: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Template:
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", "")),
            platform=bool(data.get("platform")),
            task_kind=str(data.get("taskKind", "")),
            description=str(data.get("description") or ""),
            owner=str(data.get("owner") or ""),
            sensitive=bool(data.get("sensitive")),
            versions=list(data.get("versions") or []),
            labels=list(data.get("labels") or []),
            created_at=time_of(data.get("createdAt")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class OutputSchema:
    name: str
    description: str
    platform: bool
    versions: list[dict[str, Any]]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> OutputSchema:
        return cls(
            name=str(data["name"]),
            description=str(data.get("description") or ""),
            platform=bool(data.get("platform")),
            versions=list(data.get("versions") or []),
            raw=dict(data),
        )


@dataclass(frozen=True)
class Usage:
    """`GET /api/v1/usage`: rows grouped by day, task kind, model or project."""

    rows: list[dict[str, Any]]
    group_by: str
    total_calls: int
    total_cost_usd: Decimal
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, body: Mapping[str, Any]) -> Usage:
        meta = body.get("meta") or {}
        return cls(
            rows=list(body.get("data") or []),
            group_by=str(meta.get("groupBy", "")),
            total_calls=int_of(meta.get("totalCalls")),
            total_cost_usd=decimal_of(meta.get("totalCostUsd")),
            raw=dict(body),
        )


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    created_at: datetime | None
    secret: str | None  # only in the answer that created or rotated it
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> WebhookEndpoint:
        return cls(
            id=str(data["id"]),
            url=str(data.get("url", "")),
            description=str(data.get("description") or ""),
            event_types=[str(t) for t in data.get("eventTypes") or []],
            enabled=bool(data.get("enabled", True)),
            created_at=time_of(data.get("createdAt")),
            secret=str_of(data.get("secret")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class TrashItem:
    """A row in the trash: restorable until `restorable_until`, purged after."""

    kind: str  # job | result | schema | webhookEndpoint | project | key
    id: str
    label: str
    deleted_at: datetime | None
    deleted_by: str
    restorable_until: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> TrashItem:
        return cls(
            kind=str(data["kind"]),
            id=str(data["id"]),
            label=str(data.get("label") or ""),
            deleted_at=time_of(data.get("deletedAt")),
            deleted_by=str(data.get("deletedBy") or ""),
            restorable_until=time_of(data.get("restorableUntil")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    prefix: str
    role: str
    scopes: list[str]
    project_id: str | None
    project_only: bool
    rate_limit_per_minute: int | None
    created_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    key: str | None  # the raw key: only in the answer that issued it, never again
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ApiKey:
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or ""),
            prefix=str(data.get("prefix") or ""),
            role=str(data.get("role") or ""),
            scopes=[str(s) for s in data.get("scopes") or []],
            project_id=str_of(data.get("projectId")),
            project_only=bool(data.get("projectOnly")),
            rate_limit_per_minute=int(data["rateLimitPerMinute"]) if data.get("rateLimitPerMinute") else None,
            created_at=time_of(data.get("createdAt")),
            last_used_at=time_of(data.get("lastUsedAt")),
            expires_at=time_of(data.get("expiresAt")),
            revoked_at=time_of(data.get("revokedAt")),
            key=str_of(data.get("key")),
            raw=dict(data),
        )
