"""`/api/v1/graphql`: the GraphQL schema behind a DRF view.

DRF authenticates the key and counts the request against its rate limits
exactly as for REST (a missing key is REST's 401, a spent limit REST's 429,
both in the REST error format); the document then runs with the DRF request
in its context, and each field checks its own scope and role.

HTTP statuses: a request that cannot run (a body that is not JSON, no
query, a syntax error, an unknown field, a variable of the wrong type, a
depth, token or alias limit) is 400 with `errors` and no `data`; a mutation
over GET is 405; a request that ran is 200, and each error in it carries
REST's code and status in `extensions` (jobs/graphql/errors.py).
"""

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from strawberry.exceptions import MissingQueryError
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from common.api import exception_handler
from jobs.graphql.access import GraphQLContext
from jobs.graphql.errors import error_format, request_error
from jobs.graphql.schema import schema
from tenants.models import ApiKey

# GraphiQL (DEBUG only) loads React and itself from unpkg, and sets itself up inline.
GRAPHIQL_CSP = {"script-src": ["https://unpkg.com", "'unsafe-inline'"], "style-src": ["https://unpkg.com"]}


def _graphiql_page(request: Request) -> bool:
    return (
        settings.DEBUG
        and request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("Accept", "")
    )


class ApiKeyOrGraphiQL(BasePermission):
    """Any valid key: each field checks the scope and role it needs. In
    DEBUG, a browser may load the GraphiQL page itself without one."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiKey) or _graphiql_page(request)


class GraphQLApi(APIView):
    permission_classes = [ApiKeyOrGraphiQL]

    @extend_schema(exclude=True)  # GraphQL describes itself: introspection, docs/api.md
    def get(self, request: Request) -> HttpResponse:
        if _graphiql_page(request):
            page = HttpResponse(get_graphql_ide_html())
            setattr(page, "_csp_update", GRAPHIQL_CSP)  # noqa: B010 - django-csp's per-response override
            return page
        variables: Any = request.query_params.get("variables")
        if variables is not None:
            try:
                variables = json.loads(variables)
            except ValueError:
                return _refused("`variables` is not valid JSON.")
        params = {**request.query_params.dict(), "variables": variables}
        return self._run(request, params, allowed=(OperationType.QUERY,))

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        try:
            params = request.data
        except APIException as exc:  # not JSON, too large, another media type: REST's code and status
            response = exception_handler(exc, {})
            assert response is not None and response.data is not None
            error = response.data["error"]
            return _refused(error["message"], code=error["code"], status=response.status_code)
        if not isinstance(params, dict):
            return _refused("The body must be a JSON object: {query, variables, operationName}.")
        return self._run(request, params, allowed=(OperationType.QUERY, OperationType.MUTATION))

    def _run(self, request: Request, params: dict[str, Any], *, allowed: Iterable[OperationType]) -> Response:
        query, variables, operation = params.get("query"), params.get("variables"), params.get("operationName")
        if not isinstance(query, str) or not query.strip():
            return _refused('No query: send {"query": "..."}.')
        if variables is not None and not isinstance(variables, dict):
            return _refused("`variables` must be an object.")
        if operation is not None and not isinstance(operation, str):
            return _refused("`operationName` must be a string.")
        context = GraphQLContext(request=request, idempotency_key=request.headers.get("Idempotency-Key") or None)
        try:
            result = schema.execute_sync(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation,
                allowed_operation_types=allowed,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type == OperationType.MUTATION:  # over GET: a read must not write
                return _refused("Mutations are not allowed over GET; POST them.", code="method_not_allowed", status=405)
            return _refused("Subscriptions are not supported: poll, stream (REST) or take webhooks.")
        except CannotGetOperationTypeError as exc:
            return _refused(exc.as_http_error_reason())
        except MissingQueryError:
            return _refused('No query: send {"query": "..."}.')
        errors = result.errors or []
        if errors and result.data is None and all(error.path is None for error in errors):
            return Response({"errors": [error_format(error) for error in errors]}, status=400)
        body: dict[str, Any] = {"data": result.data}
        if errors:
            body["errors"] = [error_format(error) for error in errors]
        return Response(body, headers={"Idempotent-Replayed": "true"} if context.replayed else None)


def _refused(message: str, *, code: str = "invalid_query", status: int = 400) -> Response:
    return Response(request_error(message, code=code, status=status), status=status)
