"""Typed views of the REST API's JSON.

Each dataclass is parsed from the `data` object of an answer with
`from_api`; fields are snake_case, timestamps are `datetime`, money is
`Decimal`. Fields Beacon adds later are not lost: `raw` keeps the dict as
Beacon sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

__all__ = [
    "TERMINAL_STATUSES",
    "ApiKey",
    "Cost",
    "Generation",
    "JobEvent",
    "OutputSchema",
    "Page",
    "Template",
    "Usage",
    "WebhookEndpoint",
    "WebhookEvent",
]

# A job in one of these states never changes again.
TERMINAL_STATUSES = frozenset({"completed", "rejected", "failed", "cancelled"})

T = TypeVar("T")


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _dict(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Cost:
    usd: Decimal
    prompt_tokens: int
    completion_tokens: int

    @classmethod
    def from_api(cls, data: Mapping[str, Any] | None) -> Cost:
        data = data or {}
        return cls(
            usd=_decimal(data.get("usd")),
            prompt_tokens=int(data.get("promptTokens") or 0),
            completion_tokens=int(data.get("completionTokens") or 0),
        )


@dataclass(frozen=True)
class Generation:
    """A job: `GET /api/v1/generations/{id}`."""

    id: str
    status: str
    stage: str
    template_id: str
    template_version: str | None
    project_id: str | None
    priority: str
    result: dict[str, Any] | None
    validation: dict[str, Any] | None
    partial: bool
    error: dict[str, Any] | None
    cost: Cost
    routing: dict[str, Any] | None
    latency_ms: dict[str, int]
    generations: int
    created_at: datetime | None
    updated_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Generation:
        return cls(
            id=str(data["id"]),
            status=str(data.get("status", "")),
            stage=str(data.get("stage", "")),
            template_id=str(data.get("templateId", "")),
            template_version=_str(data.get("templateVersion")),
            project_id=_str(data.get("projectId")),
            priority=str(data.get("priority", "normal")),
            result=_dict(data.get("result")),
            validation=_dict(data.get("validation")),
            partial=bool(data.get("partial")),
            error=_dict(data.get("error")),
            cost=Cost.from_api(data.get("cost")),
            routing=_dict(data.get("routing")),
            latency_ms={str(k): int(v) for k, v in (data.get("latencyMs") or {}).items()},
            generations=int(data.get("generations") or 0),
            created_at=_time(data.get("createdAt")),
            updated_at=_time(data.get("updatedAt")),
            started_at=_time(data.get("startedAt")),
            finished_at=_time(data.get("finishedAt")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class JobEvent:
    """One entry of a job's append-only history (events list and stream)."""

    id: int
    type: str
    from_status: str
    to_status: str
    stage: str
    data: Any
    correlation_id: str
    created_at: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> JobEvent:
        return cls(
            id=int(data["id"]),
            type=str(data.get("type", "")),
            from_status=str(data.get("fromStatus") or ""),
            to_status=str(data.get("toStatus") or ""),
            stage=str(data.get("stage") or ""),
            data=data.get("data"),
            correlation_id=str(data.get("correlationId") or ""),
            created_at=_time(data.get("createdAt")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the counts in `meta`, and the links."""

    data: list[T]
    page: int | None
    per_page: int | None
    total: int | None
    total_pages: int | None
    next_url: str | None
    prev_url: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)


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
            created_at=_time(data.get("createdAt")),
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
            total_calls=int(meta.get("totalCalls") or 0),
            total_cost_usd=_decimal(meta.get("totalCostUsd")),
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
            created_at=_time(data.get("createdAt")),
            secret=_str(data.get("secret")),
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
            project_id=_str(data.get("projectId")),
            project_only=bool(data.get("projectOnly")),
            rate_limit_per_minute=int(data["rateLimitPerMinute"]) if data.get("rateLimitPerMinute") else None,
            created_at=_time(data.get("createdAt")),
            last_used_at=_time(data.get("lastUsedAt")),
            expires_at=_time(data.get("expiresAt")),
            revoked_at=_time(data.get("revokedAt")),
            key=_str(data.get("key")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook: `generation.completed` and the job it is about."""

    id: str
    type: str
    timestamp: datetime | None
    generation: Generation
    raw: dict[str, Any] = field(repr=False, compare=False)
