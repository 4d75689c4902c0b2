"""One correlation id per request, carried into every task and log line.

The id comes from the caller's `X-Request-ID` header when it is sane, else a
new one is made. Celery signals copy it into task headers on publish and back
into the context variable when a worker starts the task, so a job's whole
journey shares the id of the request that created it.
"""

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
HEADER_FIELD = "beacon_correlation_id"  # the task message header that carries it
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")
# What a log line is about besides the request: job id, stage, organization.
# Set where they become known (authentication, a stage task, a job lock).
log_fields: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("log_fields", default={})  # noqa: B039
LOG_FIELDS = ("job_id", "stage", "org")


def log_context_bind(**fields: Any) -> None:
    """Add fields to every later log line of this request or task."""
    log_fields.set({**log_fields.get(), **{k: str(v) for k, v in fields.items() if v is not None}})


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current() -> str:
    return correlation_id.get()


class CorrelationIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        value = incoming if _SANE_ID.match(incoming) else new_correlation_id()
        token = correlation_id.set(value)
        fields_token = log_fields.set({})
        try:
            response = self.get_response(request)
        finally:
            correlation_id.reset(token)
            log_fields.reset(fields_token)
        response[HEADER] = value
        return response


class CorrelationIdFilter(logging.Filter):
    """Adds `correlation_id`, and the job id, stage and organization when
    known, to every log record so formatters can print them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        bound = log_fields.get()
        for name in LOG_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, bound.get(name))
        return True


@before_task_publish.connect
def _add_header(headers: dict[str, Any] | None = None, **_: Any) -> None:
    # Not "correlation_id": Celery's own message field of that name holds the task id.
    if headers is not None and HEADER_FIELD not in headers:
        headers[HEADER_FIELD] = correlation_id.get()


@task_prerun.connect
def _enter_task(task: Any = None, **_: Any) -> None:
    value = getattr(task.request, HEADER_FIELD, None) if task else None
    correlation_id.set(value or new_correlation_id())
    log_fields.set({})


@task_postrun.connect
def _leave_task(**_: Any) -> None:
    correlation_id.set("-")
    log_fields.set({})
