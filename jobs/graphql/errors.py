"""GraphQL errors in the API's own vocabulary.

Resolvers raise what REST's views raise (ApiError, DRF's exceptions, domain
errors); REST's exception handler (common/api.py) decides each one's code,
message, details and status once, and they land in the error's extensions:

    {"message": "The request is invalid.", "path": ["createGeneration"],
     "extensions": {"code": "validation_error", "status": 422,
                    "details": [{"field": "parameters.locale", "message": "...", "code": "invalid"}],
                    "requestId": "..."}}

An error with no path is about the request itself (syntax, an unknown
field, a variable of the wrong type, a depth or size limit): code
`invalid_query`, status 400. Anything else is a fault of Beacon's own: it
is logged, and the caller sees `internal_error` without the exception's text.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from graphql import GraphQLError
from rest_framework.exceptions import APIException

from common import correlation
from common.api import exception_handler
from common.errors import DomainError

INVALID_QUERY = "invalid_query"
INTERNAL_MESSAGE = "An internal error occurred; it has been logged."
# What REST's exception handler knows how to answer: the caller's errors.
EXPECTED = (APIException, DomainError, Http404, PermissionDenied)


def is_fault(error: GraphQLError) -> bool:
    """Whether the error is Beacon's own (to be logged) rather than the caller's."""
    return error.path is not None and not isinstance(error.original_error, EXPECTED)


def error_extensions(code: str, status: int, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"code": code, "status": status, "details": details or [], "requestId": correlation.current()}


def error_format(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    if error.path is None:
        formatted["extensions"] = error_extensions(INVALID_QUERY, 400)
        return formatted
    original = error.original_error
    response = exception_handler(original, {}) if isinstance(original, Exception) else None
    if response is None or response.data is None:
        formatted["message"] = INTERNAL_MESSAGE
        formatted["extensions"] = error_extensions("internal_error", 500)
        return formatted
    body = response.data["error"]
    formatted["message"] = body["message"]
    formatted["extensions"] = error_extensions(body["code"], response.status_code, body["details"])
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        formatted["extensions"]["retryAfter"] = int(retry_after)
    return formatted


def request_error(message: str, *, code: str = INVALID_QUERY, status: int = 400) -> dict[str, Any]:
    """A response body for a request that never reached execution."""
    return {"errors": [{"message": message, "extensions": error_extensions(code, status)}]}
