"""The GraphQL schema of /api/v1/graphql (PRD 3.1.2).

Every resolver first asks `authorize` for its REST twin's scope and role,
reads jobs only through `jobs_visible_to` / `job_get` (so another
organization's job, or another project's for a project-limited key, does not
exist here either), and writes only through the services REST calls.
"""

from datetime import date
from functools import partial
from typing import Annotated, Any
from uuid import UUID

import strawberry
from graphql import GraphQLError
from rest_framework.exceptions import NotFound
from strawberry import Info
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionContext
from strawberry.utils.logging import StrawberryLogger
from strawberry.utils.str_converters import to_camel_case

from common import correlation
from common.api import ApiError
from jobs import selectors
from jobs.graphql.access import GraphQLContext, authorize, mutation_charge
from jobs.graphql.catalog import BigInt, OutputSchemaType, Template, Usage, schemas_list, template_one, templates_list
from jobs.graphql.catalog import usage_report as usage_build
from jobs.graphql.errors import is_fault
from jobs.graphql.pages import PAGE_SIZE, generation_page, jobs_filtered
from jobs.graphql.types import Generation, GenerationConnection, GenerationFilter, GenerationInput
from jobs.models import Job
from jobs.services.generations import generation_check, generation_submit
from jobs.services.lifecycle import job_cancel
from tenants.models import ApiKey
from tenants.scopes import Scope

MAX_DEPTH = 8
MAX_TOKENS = 2_000
MAX_ALIASES = 15

Context = Info[GraphQLContext, None]
Id = Annotated[strawberry.ID, strawberry.argument(name="id")]


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def _visible_job(api_key: ApiKey, job_id: str) -> Job | None:
    uuid = _uuid(job_id)
    return None if uuid is None else selectors.job_get(api_key=api_key, job_id=uuid)


def _present(value: Any) -> dict[str, Any]:
    return {to_camel_case(k): v for k, v in vars(value).items() if v is not None}


def generation_body(data: GenerationInput) -> dict[str, Any]:
    """The REST body this input stands for (null means absent): checked by the
    same serializer, and fingerprinted the same way for Idempotency-Key."""
    body = _present(data)
    if data.options is not None:
        body["options"] = _present(data.options)
    return body


@strawberry.type
class Query:
    @strawberry.field(graphql_type=Generation | None, description="A job, or null if this key cannot see it.")
    def generation(self, info: Context, job_id: Id) -> Job | None:
        return _visible_job(authorize(info, Scope.GENERATIONS_READ), job_id)

    @strawberry.field(description=f"Jobs, newest first; `first` up to 100 (default {PAGE_SIZE}).")
    def generations(
        self,
        info: Context,
        where: Annotated[GenerationFilter | None, strawberry.argument(name="filter")] = None,
        first: int = PAGE_SIZE,
        after: str | None = None,
    ) -> GenerationConnection:
        api_key = authorize(info, Scope.GENERATIONS_READ)
        jobs = jobs_filtered(selectors.jobs_visible_to(api_key=api_key), where)
        return generation_page(info, jobs, first=first, after=after)

    @strawberry.field(description="The organization's templates and the platform defaults.")
    def templates(self, info: Context) -> list[Template]:
        return templates_list(api_key=authorize(info, Scope.TEMPLATES_READ))

    @strawberry.field(description="One template with its labels' history, or null if this key cannot see it.")
    def template(self, info: Context, template_id: Id) -> Template | None:
        api_key = authorize(info, Scope.TEMPLATES_READ)
        uuid = _uuid(template_id)
        return None if uuid is None else template_one(api_key=api_key, template_id=uuid)

    @strawberry.field(description="The organization's output schemas and the platform's.")
    def schemas(self, info: Context) -> list[OutputSchemaType]:
        return schemas_list(api_key=authorize(info, Scope.SCHEMAS_READ))

    @strawberry.field(description="Model usage by day (default), taskKind, model or project, UTC.")
    def usage(
        self,
        info: Context,
        first_day: Annotated[date | None, strawberry.argument(name="from")] = None,
        last_day: Annotated[date | None, strawberry.argument(name="to")] = None,
        group_by: str = "day",
    ) -> Usage:
        api_key = authorize(info, Scope.USAGE_READ)
        return usage_build(api_key=api_key, first=first_day, last=last_day, group=group_by)


@strawberry.type
class Mutation:
    @strawberry.mutation(graphql_type=Generation, description="Submit a job, as POST /api/v1/generations.")
    def create_generation(
        self,
        info: Context,
        data: Annotated[GenerationInput, strawberry.argument(name="input")],
        idempotency_key: str | None = None,
    ) -> Job:
        api_key = authorize(info, Scope.GENERATIONS_WRITE)
        mutation_charge(info, api_key)
        header = info.context.idempotency_key
        if idempotency_key and header and idempotency_key != header:
            raise ApiError(
                "The idempotencyKey argument and the Idempotency-Key header differ; send one of them.",
                code="validation_error",
                status_code=422,
                details=[{"field": "idempotencyKey", "message": "differs from the header", "code": "invalid"}],
            )
        body = generation_body(data)
        if body.get("options", {}).get("mode") == "sync":
            raise ApiError(
                "GraphQL answers at once: poll generation(id), or take the webhook.",
                code="validation_error",
                status_code=422,
                details=[{"field": "options.mode", "message": "only async over GraphQL", "code": "invalid_choice"}],
            )
        checked = generation_check(api_key=api_key, body=body, idempotency_key=idempotency_key or header)
        submission = generation_submit(api_key=api_key, checked=checked, correlation_id=correlation.current())
        info.context.replayed |= not submission.created
        return submission.job

    @strawberry.mutation(graphql_type=Generation, description="Cancel a job that has not ended (else invalid_state).")
    def cancel_generation(self, info: Context, job_id: Id) -> Job:
        api_key = authorize(info, Scope.GENERATIONS_WRITE)
        mutation_charge(info, api_key)
        job = _visible_job(api_key, job_id)
        if job is None:
            raise NotFound()
        return job_cancel(job_id=str(job.id))


def _introspection(context: IgnoreContext) -> bool:
    # GraphiQL's and code generators' introspection query is deeper than any
    # data query needs; the token limit still bounds it.
    return context.field_name in ("__schema", "__type")


class BeaconSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # The caller's mistakes (validation, not found, forbidden) are answers, not incidents.
        for error in errors:
            if is_fault(error):
                StrawberryLogger.error(error, execution_context)


BIG_INT = strawberry.scalar(name="BigInt", description="An integer that may exceed 32 bits.", serialize=int)

schema = BeaconSchema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(scalar_map={BigInt: BIG_INT}),
    # Factories, not instances: each request gets its own (the web tier runs
    # requests on several threads, and an extension holds its request's context).
    extensions=[
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH, should_ignore=_introspection),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
    ],
)
