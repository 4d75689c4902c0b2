"""The API's error format, body parsing and the exception handler.

Every error, whatever raised it, leaves as one envelope:

    {"error": {"code": "validation_error", "message": "...",
               "details": [{"field": "parameters.content", "message": "...", "code": "..."}],
               "requestId": "<correlation id>"}}

Bad input is always a 4xx with details; only Beacon's own faults are 5xx.
"""

import io
import json
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from common import correlation
from common.errors import DomainError

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An API error with a stable machine-readable code and optional field details."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(detail=message or self.default_detail, code=code or self.default_code)
        self.error_code = code or self.default_code
        self.details = details or []
        if status_code is not None:
            self.status_code = status_code


class PayloadTooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is larger than this server accepts."


class TooManyRequests(ApiError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"
    default_detail = "Too many requests."


class ServiceOverloaded(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "overloaded"
    default_detail = "Beacon is working off a backlog; low-priority work is not accepted right now."
    retry_after = 30


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource."


class PlatformDefault(ApiError):
    """A write to a platform default (a template or schema every organization
    reads): only platform operators change those; an organization forks."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "platform_default"
    default_detail = "This is a platform default: only platform operators change it. Fork it to have your own."


class UnprocessableEntity(ApiError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "validation_error"
    default_detail = "The request is well-formed but its content is invalid."


class LimitedJSONParser(JSONParser):
    """JSON parser that refuses bodies above BEACON_MAX_REQUEST_BYTES with a 413.

    It reads at most limit+1 bytes, so a client that sends no Content-Length
    (chunked) cannot make the server buffer an unbounded body.
    """

    limit_setting = "BEACON_MAX_REQUEST_BYTES"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        from django.conf import settings

        limit = getattr(settings, self.limit_setting)
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdecimal() and int(declared) > limit:
            raise PayloadTooLarge(f"The request body is {declared} bytes; the limit is {limit} bytes.")
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge(f"The request body exceeds the limit of {limit} bytes.")

        try:
            parsed = super().parse(io.BytesIO(body), media_type, parser_context)
        except exceptions.ParseError as exc:
            raise ApiError(
                "The request body is not valid JSON.",
                code="malformed_json",
                details=[{"field": "", "message": str(exc.detail), "code": "parse_error"}],
            ) from exc
        except RecursionError as exc:
            # JSON nested deeper than the parser's recursion limit (200 KB of "[").
            raise ApiError(
                "The request body is nested too deeply.",
                code="malformed_json",
                details=[{"field": "", "message": "nesting too deep", "code": "parse_error"}],
            ) from exc
        if unstorable(parsed):
            raise ApiError(
                "The request body contains a NUL character or an unpaired UTF-16 surrogate (\\u0000, "
                "\\ud800-\\udfff), which cannot be stored; remove them.",
                code="invalid_characters",
            )
        return parsed


class JSONLinesParser(JSONParser):
    """JSON Lines (one JSON value per line), read lazily: `request.data` is an
    iterator of (line number, value), a value that did not parse being a
    ValueError, so one bad line does not spoil the rest. At most
    `limit_setting` bytes are read; past it, one last ValueError says so."""

    media_type = "application/jsonl"
    limit_setting = "BEACON_BATCH_MAX_BYTES"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        from django.conf import settings

        limit = getattr(settings, self.limit_setting)
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdecimal() and int(declared) > limit:
            raise PayloadTooLarge(f"The upload is {declared} bytes; the limit is {limit} bytes.")
        return _json_lines(stream, limit)


class NDJSONParser(JSONLinesParser):
    media_type = "application/x-ndjson"


def _json_lines(stream: Any, limit: int) -> Any:
    read = 0
    number = 0
    while stream is not None:
        raw = stream.readline(limit - read + 1)
        if not raw:
            return
        number += 1
        read += len(raw)
        if read > limit:
            yield number, ValueError(f"the upload passed the limit of {limit} bytes here; later lines were not read")
            return
        text = raw.strip()
        if not text:
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            yield number, ValueError(f"not JSON: {exc}")
            continue
        if unstorable(value):
            value = ValueError("holds a NUL or an unpaired surrogate, which cannot be stored")
        yield number, value


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> bool:
    """Whether any string (key or value) holds what PostgreSQL cannot store.
    Iterative: the parser has already bounded the depth, not the breadth."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def flatten_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Turn DRF's nested error structure into a flat list of field errors."""
    if isinstance(detail, dict):
        items: list[dict[str, Any]] = []
        for key, value in detail.items():
            field = prefix if key == "non_field_errors" else (f"{prefix}.{key}" if prefix else str(key))
            items.extend(flatten_errors(value, field))
        return items
    if isinstance(detail, list):
        if all(isinstance(v, exceptions.ErrorDetail | str) for v in detail):
            return [{"field": prefix, "message": str(v), "code": getattr(v, "code", "invalid")} for v in detail]
        items = []
        for index, value in enumerate(detail):
            items.extend(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return items
    return [{"field": prefix, "message": str(detail), "code": getattr(detail, "code", "invalid")}]


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or [],
            "requestId": correlation.current(),
        }
    }


_DRF_CODES: list[tuple[type[exceptions.APIException], str, str]] = [
    (exceptions.NotAuthenticated, "unauthenticated", "Authentication credentials were not provided."),
    (exceptions.AuthenticationFailed, "unauthenticated", "The API key is invalid, expired or revoked."),
    (exceptions.PermissionDenied, "forbidden", "This API key's role does not allow this action."),
    (exceptions.NotFound, "not_found", "The resource was not found."),
    (exceptions.MethodNotAllowed, "method_not_allowed", "This method is not allowed here."),
    (exceptions.NotAcceptable, "not_acceptable", "This server only produces application/json."),
    (exceptions.UnsupportedMediaType, "unsupported_media_type", "Send the request body as application/json."),
    (exceptions.Throttled, "rate_limited", "Too many requests."),
    (exceptions.ParseError, "malformed_json", "The request body is not valid JSON."),
]


# A domain error's HTTP status by its code (common/errors.py); any other
# code is a request whose content cannot be done: 422.
DOMAIN_STATUS = {
    "conflict": status.HTTP_409_CONFLICT,
    "invalid_state": status.HTTP_409_CONFLICT,
    "launch_gate": status.HTTP_409_CONFLICT,
    "approval_required": status.HTTP_409_CONFLICT,
    "not_found": status.HTTP_404_NOT_FOUND,
    "unknown_template": status.HTTP_404_NOT_FOUND,
    "budget_exhausted": status.HTTP_429_TOO_MANY_REQUESTS,
}


def api_error_of(exc: DomainError) -> ApiError:
    code = "not_found" if DOMAIN_STATUS.get(exc.code) == status.HTTP_404_NOT_FOUND else exc.code
    status_code = DOMAIN_STATUS.get(exc.code, status.HTTP_422_UNPROCESSABLE_ENTITY)
    return ApiError(exc.message, code=code, status_code=status_code, details=exc.details)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler producing the error envelope for every failure."""
    if isinstance(exc, DomainError):
        exc = api_error_of(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, str(exc.detail), exc.details)
        retry_after = getattr(exc, "retry_after", None)
        return Response(body, status=exc.status_code, headers={"Retry-After": str(retry_after)} if retry_after else {})
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("validation_error", "The request is invalid.", flatten_errors(exc.detail))
        return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, exceptions.APIException):
        code, message = "error", str(exc.detail)
        for cls, mapped_code, mapped_message in _DRF_CODES:
            if isinstance(exc, cls):
                code, message = mapped_code, mapped_message
                break
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            headers["Retry-After"] = str(int(wait))
        if isinstance(exc, exceptions.ParseError):
            details = [{"field": "", "message": str(exc.detail), "code": "parse_error"}]
        else:
            details = []
        return Response(error_body(code, message, details), status=exc.status_code, headers=headers)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is down or unreachable: tell the caller to come back,
        # never a 500 that looks like a bug.
        logger.warning("database unavailable: %s", type(exc).__name__)
        body = error_body("service_unavailable", "The service is temporarily unavailable; retry shortly.")
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    if isinstance(exc, DataError):
        # A value the database cannot hold (a NUL in a query parameter, a
        # number out of a column's range): the request's fault, not a bug.
        logger.warning("database refused a value: %s", exc)
        body = error_body("invalid_value", "A value in the request cannot be stored or compared; check its range.")
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DatabaseError):
        logger.exception("database error")
    return None


def json_error_view(code: str, message: str, status_code: int) -> Callable[..., JsonResponse]:
    def view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
        return JsonResponse(error_body(code, message), status=status_code)

    return view


def metrics_window(request: Any, groups: tuple[str, ...]) -> tuple[str, int]:
    """`groupBy` (the first of `groups` by default) and `days` (1 to 366,
    default 30) of a metrics endpoint, or a 422 in the API's error format."""
    group = request.query_params.get("groupBy", groups[0])
    raw_days = request.query_params.get("days", "30")
    if group not in groups or not raw_days.isdecimal() or not 1 <= int(raw_days) <= 366:
        raise ApiError(
            f"`groupBy` is one of {', '.join(groups)}; `days` is 1 to 366.", code="validation_error", status_code=422
        )
    return group, int(raw_days)


def metrics_parameters(groups: tuple[str, ...]) -> list[Any]:
    """The OpenAPI description of `metrics_window`'s two parameters."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    return [
        OpenApiParameter("groupBy", OpenApiTypes.STR, enum=list(groups), description=f"default: {groups[0]}"),
        OpenApiParameter("days", OpenApiTypes.INT, description="look-back in days (default 30, at most 366)"),
    ]


def created(request: Any, data: Any, *, path: str) -> Response:
    """A `201 Created` in the envelope, with `Location` naming what was created."""
    return Response(
        {"data": data}, status=status.HTTP_201_CREATED, headers={"Location": request.build_absolute_uri(path)}
    )
