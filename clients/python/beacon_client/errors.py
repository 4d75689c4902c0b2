"""Errors the client raises.

Every failed answer from Beacon carries one envelope,
`{"error": {"code", "message", "details", "requestId"}}`; `error_from_response`
turns it into the matching `BeaconError` subclass, chosen by the error's
`code` first (`idempotency_key_reused` is an `IdempotencyConflict`, whatever
the status) and by the HTTP status otherwise. Every error keeps the request
id, so a report to Beacon's operators can name the request.
"""

from __future__ import annotations

import contextlib
import email.utils
import time
from collections.abc import Mapping
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "AuthenticationError",
    "BadRequest",
    "BeaconError",
    "BudgetExhausted",
    "ConfigurationError",
    "Conflict",
    "IdempotencyConflict",
    "InvalidState",
    "NotFound",
    "Overloaded",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "UpstreamError",
    "ValidationError",
    "WaitTimeout",
    "WebhookVerificationError",
    "error_from_response",
    "retry_after_seconds",
]


class BeaconError(Exception):
    """Base of every error this package raises."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        status: int | None = None,
        details: list[dict[str, Any]] | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.details = details or []
        self.request_id = request_id
        self.retry_after = retry_after

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status is not None else ""
        request = f" [request {self.request_id}]" if self.request_id else ""
        return f"{self.code}{status}: {self.message}{request}"


class BadRequest(BeaconError):
    """400, 413, 415: a body Beacon could not read (malformed JSON, too large)."""


class AuthenticationError(BeaconError):
    """401: the key is missing, unknown, expired or revoked."""


class PermissionDenied(BeaconError):
    """403: the key's role or scopes do not allow the action."""


class NotFound(BeaconError):
    """404: no such object in the key's organization."""


class Conflict(BeaconError):
    """409: the request conflicts with the object's state."""


class IdempotencyConflict(Conflict):
    """409 `idempotency_key_reused`: the key was used before with another body."""


class InvalidState(Conflict):
    """409 `invalid_state`: for instance a cancel of a job that already ended."""


class Gone(BeaconError):
    """410: a job in the cold archive (`job_archived`, with the restore command
    in `details`), or a restore from the trash after its grace period."""


class ValidationError(BeaconError):
    """422: the request is well-formed but its content is invalid; `details`
    name each field (`{"field", "message", "code"}`)."""


class RateLimited(BeaconError):
    """429: too many requests (or open waits); `retry_after` says when to retry."""


class BudgetExhausted(RateLimited):
    """429 `budget_exhausted`: the month's model budget is spent; retrying soon does not help."""


class ServerError(BeaconError):
    """5xx: a fault on Beacon's side."""


class UpstreamError(ServerError):
    """502: a proxy in front of Beacon got no usable answer."""


class Overloaded(ServerError):
    """503: Beacon sheds load or its database is unreachable; `retry_after` says when to retry."""


class APIConnectionError(BeaconError):
    """No answer at all: the connection failed or timed out (after the retries)."""


class ConfigurationError(BeaconError):
    """The client has no URL or API key to work with."""


class WaitTimeout(BeaconError, TimeoutError):
    """A job (or a batch: `kind`) did not end within the time a caller was
    ready to wait; `job_id` is the id waited for."""

    def __init__(self, *, job_id: str, status: str | None, stage: str | None, waited: float, kind: str = "job") -> None:
        last = f"last status {status}" + (f" (stage {stage})" if stage else "") if status else "status unknown"
        super().__init__(f"{kind} {job_id} did not end within {waited:.1f}s; {last}", code="wait_timeout")
        self.kind = kind
        self.job_id = job_id
        self.last_status = status
        self.last_stage = stage
        self.waited = waited


class WebhookVerificationError(BeaconError):
    """A webhook whose signature or timestamp does not check out."""


_BY_CODE: dict[str, type[BeaconError]] = {
    "idempotency_key_reused": IdempotencyConflict,
    "invalid_state": InvalidState,
    "budget_exhausted": BudgetExhausted,
    "unauthenticated": AuthenticationError,
}

_BY_STATUS: dict[int, type[BeaconError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    410: Gone,
    413: BadRequest,
    415: BadRequest,
    422: ValidationError,
    429: RateLimited,
    502: UpstreamError,
    503: Overloaded,
}


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds from now: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def error_from_response(response: httpx.Response) -> BeaconError:
    """The error a failed answer stands for."""
    body: Any = None
    with contextlib.suppress(ValueError):
        body = response.json()
    error: Mapping[str, Any] = body.get("error", {}) if isinstance(body, dict) else {}
    if not isinstance(error, Mapping):
        error = {}
    code = str(error.get("code") or f"http_{response.status_code}")
    message = str(error.get("message") or response.reason_phrase or "request failed")
    details = error.get("details")
    request_id = response.headers.get("X-Request-ID") or error.get("requestId")
    cls = _BY_CODE.get(code) or _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = ServerError if response.status_code >= 500 else BeaconError
    return cls(
        message,
        code=code,
        status=response.status_code,
        details=list(details) if isinstance(details, list) else [],
        request_id=str(request_id) if request_id else None,
        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
    )
