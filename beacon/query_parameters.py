"""Unknown query parameters are a 400, measured against the OpenAPI document.

A misspelt filter (`?stauts=failed`) that is silently ignored lists every
job, which reads as an answer. The served OpenAPI document already says
which query parameters each operation takes (filters, paging, its own
parameters), so it is the one list: a parameter it does not declare is
refused with `400 unknown_parameter` naming it. An undocumented parameter a
view reads therefore fails its tests, which keeps the contract honest.
"""

import functools
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.generators import SchemaGenerator

from common.api import error_body

API_PREFIX = "api/v1/"
# Routes outside the contract: the document itself and GraphQL (its own body language).
UNCHECKED = {"api/v1/schema", "api/v1/graphql"}
_PATH_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@functools.cache
def declared_query_parameters() -> dict[tuple[str, str], frozenset[str]]:
    """(OpenAPI path, method) -> the query parameters it declares. Built
    once per process from the same generator that serves /api/v1/schema
    (about 0.3 s)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    declared = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
            declared[(path, method.upper())] = names
    return declared


def unknown_query_parameters(*, route: str, method: str, names: set[str]) -> list[str]:
    """The names an operation does not take; none when the route or method
    is not in the document (Django or DRF answers those: 404, 405)."""
    path = "/" + _PATH_PARAMETER.sub(r"{\1}", route)
    declared = declared_query_parameters().get((path, "GET" if method == "HEAD" else method))
    if declared is None:
        return []
    return sorted(names - declared)


class UnknownQueryParametersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        route = match.route if match is not None else ""
        if not request.GET or not route.startswith(API_PREFIX) or route in UNCHECKED:
            return None
        unknown = unknown_query_parameters(route=route, method=request.method or "GET", names=set(request.GET))
        if not unknown:
            return None
        details = [
            {"field": name, "message": "This endpoint takes no such query parameter.", "code": "unknown"}
            for name in unknown
        ]
        message = f"Unknown query parameter(s): {', '.join(unknown)}. The OpenAPI document lists what each takes."
        return JsonResponse(error_body("unknown_parameter", message, details), status=400)
