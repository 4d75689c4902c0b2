"""Jobs: a generation, its events and cost, a page of a list, and the
webhook that reports a job or a batch ending."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from beacon_client.models._fields import decimal_of, dict_of, int_of, str_of, time_of
from beacon_client.models.batches import Batch

# A job in one of these states never changes again.
TERMINAL_STATUSES = frozenset({"completed", "rejected", "failed", "cancelled"})

T = TypeVar("T")


@dataclass(frozen=True)
class Cost:
    usd: Decimal
    prompt_tokens: int
    completion_tokens: int

    @classmethod
    def from_api(cls, data: Mapping[str, Any] | None) -> Cost:
        data = data or {}
        return cls(
            usd=decimal_of(data.get("usd")),
            prompt_tokens=int_of(data.get("promptTokens")),
            completion_tokens=int_of(data.get("completionTokens")),
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
    batch_id: str | None  # the batch the job came from, and its line's custom_id
    custom_id: str | None
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
            template_version=str_of(data.get("templateVersion")),
            project_id=str_of(data.get("projectId")),
            batch_id=str_of(data.get("batchId")),
            custom_id=str_of(data.get("customId")),
            priority=str(data.get("priority", "normal")),
            result=dict_of(data.get("result")),
            validation=dict_of(data.get("validation")),
            partial=bool(data.get("partial")),
            error=dict_of(data.get("error")),
            cost=Cost.from_api(data.get("cost")),
            routing=dict_of(data.get("routing")),
            latency_ms={str(k): int(v) for k, v in (data.get("latencyMs") or {}).items()},
            generations=int_of(data.get("generations")),
            created_at=time_of(data.get("createdAt")),
            updated_at=time_of(data.get("updatedAt")),
            started_at=time_of(data.get("startedAt")),
            finished_at=time_of(data.get("finishedAt")),
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
            created_at=time_of(data.get("createdAt")),
            raw=dict(data),
        )

    @classmethod
    def token(cls, data: Mapping[str, Any]) -> JobEvent:
        """A piece of the model's answer from the stream (`type` "token",
        `id` 0, `data` with `text`, `generation` and `provisional`): not
        history, and not validated; the job's own events carry the result."""
        return cls(
            id=0,
            type="token",
            from_status="",
            to_status="",
            stage="generate",
            data=dict(data),
            correlation_id="",
            created_at=None,
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
class WebhookEvent:
    """A verified webhook: `generation.completed` and the job it is about,
    or `batch.completed` (`.cancelled`, `.expired`, `.failed`) and its batch
    in `batch` (`generation` then holds only what a job and a batch share)."""

    id: str
    type: str
    timestamp: datetime | None
    generation: Generation
    raw: dict[str, Any] = field(repr=False, compare=False)
    batch: Batch | None = None
