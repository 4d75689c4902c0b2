"""Batches: many generation requests in one upload (`/api/v1/batches`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from beacon_client.models._fields import dict_of, int_of, str_of, time_of

# A batch in one of these states never changes again. `failed`: no line of
# the upload was accepted.
BATCH_TERMINAL_STATUSES = frozenset({"completed", "cancelled", "expired", "failed"})


@dataclass(frozen=True)
class BatchRequestCounts:
    """The batch's lines by outcome, counted from its jobs when read."""

    total: int  # lines in the upload
    accepted: int  # lines that became jobs
    completed: int
    failed: int  # jobs that failed or were rejected, and the invalid lines
    invalid: int  # lines refused at upload (in `line_errors` and the results)
    cancelled: int
    in_review: int
    running: int

    @property
    def ended(self) -> int:
        """Lines with an outcome: completed, failed (invalid ones included) or cancelled."""
        return self.completed + self.failed + self.cancelled

    @classmethod
    def from_api(cls, data: Mapping[str, Any] | None) -> BatchRequestCounts:
        data = data or {}
        return cls(
            total=int_of(data.get("total")),
            accepted=int_of(data.get("accepted")),
            completed=int_of(data.get("completed")),
            failed=int_of(data.get("failed")),
            invalid=int_of(data.get("invalid")),
            cancelled=int_of(data.get("cancelled")),
            in_review=int_of(data.get("inReview")),
            running=int_of(data.get("running")),
        )


@dataclass(frozen=True)
class BatchLineError:
    """A line refused at upload: its number, its custom_id if it had a
    usable one, and the error a single submission would have got."""

    line: int
    custom_id: str | None
    code: str
    message: str
    details: list[dict[str, Any]]

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> BatchLineError:
        error = data.get("error") or {}
        return cls(
            line=int_of(data.get("line")),
            custom_id=str_of(data.get("customId")),
            code=str(error.get("code") or ""),
            message=str(error.get("message") or ""),
            details=list(error.get("details") or []),
        )


@dataclass(frozen=True)
class Batch:
    """`GET /api/v1/batches/{id}`. `line_errors` (the first 100) come only
    with a batch read by id; the results list every refused line."""

    id: str
    status: str
    priority: str
    project_id: str | None
    metadata: dict[str, Any]
    request_counts: BatchRequestCounts
    line_errors: list[BatchLineError]
    links: dict[str, str]
    created_at: datetime | None
    in_progress_at: datetime | None
    expires_at: datetime | None
    cancelling_at: datetime | None
    finished_at: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def is_terminal(self) -> bool:
        return self.status in BATCH_TERMINAL_STATUSES

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Batch:
        return cls(
            id=str(data["id"]),
            status=str(data.get("status", "")),
            priority=str(data.get("priority", "")),
            project_id=str_of(data.get("projectId")),
            metadata=dict_of(data.get("metadata")) or {},
            request_counts=BatchRequestCounts.from_api(data.get("requestCounts")),
            line_errors=[BatchLineError.from_api(item) for item in data.get("lineErrors") or []],
            links={str(k): str(v) for k, v in (data.get("links") or {}).items() if v},
            created_at=time_of(data.get("createdAt")),
            in_progress_at=time_of(data.get("inProgressAt")),
            expires_at=time_of(data.get("expiresAt")),
            cancelling_at=time_of(data.get("cancellingAt")),
            finished_at=time_of(data.get("finishedAt")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class BatchResult:
    """One line of a batch's results: an ended job (`id`, its `status`, and
    `result` or `error`), or a line refused at upload (`status` `invalid`,
    no `id`, the refusal in `error`)."""

    custom_id: str | None
    line: int
    id: str | None
    status: str
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> BatchResult:
        return cls(
            custom_id=str_of(data.get("custom_id")),
            line=int_of(data.get("line")),
            id=str_of(data.get("id")),
            status=str(data.get("status", "")),
            result=dict_of(data.get("result")),
            error=dict_of(data.get("error")),
            raw=dict(data),
        )
