"""The GraphQL shapes of the generations API.

A `Generation` is the job exactly as REST shows it: every field reads
`jobs.selectors.job_representation`, built once per job and request, so
the two interfaces cannot drift apart (a result shown only once completed,
`partial`, the cost as a decimal string). Only `events` reads a relation; the
strawberry-django optimizer prefetches it for a whole page in one query.
"""

from datetime import datetime
from typing import Any

import strawberry
import strawberry_django
from strawberry import relay
from strawberry.scalars import JSON

from jobs.models import Job, JobEvent
from jobs.selectors import job_representation

_SHOWN = "_graphql_representation"


def shown(job: Job) -> dict[str, Any]:
    """The job's REST representation, built on first use and kept on the instance."""
    attributes = vars(job)
    if _SHOWN not in attributes:
        attributes[_SHOWN] = job_representation(job=job)
    return attributes[_SHOWN]


@strawberry.type(description="What the job's model calls cost, summed over every attempt.")
class Cost:
    usd: str = strawberry.field(description="US dollars, as a decimal string")
    prompt_tokens: int
    completion_tokens: int


@strawberry.type(description="The model tier the job was routed to, and why.")
class Routing:
    tier: str | None
    reasons: list[str]


@strawberry_django.type(JobEvent, name="GenerationEvent", description="One entry of a job's append-only history.")
class GenerationEvent:
    id: strawberry.ID  # a 64-bit counter: more than GraphQL's Int holds
    type: str
    from_status: str
    to_status: str
    stage: str
    data: JSON
    correlation_id: str
    created_at: datetime


@strawberry_django.type(Job, name="Generation", description="A generation job, as GET /api/v1/generations/{id}.")
class Generation:
    events: list[GenerationEvent] = strawberry_django.field(description="The job's history, oldest first.")

    @strawberry_django.field
    def id(self, root: Job) -> strawberry.ID:
        return strawberry.ID(shown(root)["id"])

    @strawberry_django.field(description="The state machine's state.")
    def status(self, root: Job) -> str:
        return shown(root)["status"]

    @strawberry_django.field(description="The stage the job is in or waiting for; `done` once nothing is left.")
    def stage(self, root: Job) -> str:
        return shown(root)["stage"]

    @strawberry_django.field
    def template_id(self, root: Job) -> str:
        return shown(root)["templateId"]

    @strawberry_django.field
    def template_version(self, root: Job) -> str:
        return shown(root)["templateVersion"]

    @strawberry_django.field
    def project_id(self, root: Job) -> strawberry.ID:
        return strawberry.ID(shown(root)["projectId"])

    @strawberry_django.field(description="The batch the job came from, if any.")
    def batch_id(self, root: Job) -> strawberry.ID | None:
        batch_id = shown(root)["batchId"]
        return strawberry.ID(batch_id) if batch_id else None

    @strawberry_django.field(description="The batch line's custom_id, if any.")
    def custom_id(self, root: Job) -> str | None:
        return shown(root)["customId"]

    @strawberry_django.field
    def priority(self, root: Job) -> str:
        return shown(root)["priority"]

    @strawberry_django.field(description="The output; only once the job is completed.")
    def result(self, root: Job) -> JSON | None:
        return shown(root)["result"]

    @strawberry_django.field(description="When retention removed the result.")
    def result_purged_at(self, root: Job) -> datetime | None:
        value = shown(root)["resultPurgedAt"]
        return datetime.fromisoformat(value) if value else None

    @strawberry_django.field
    def validation(self, root: Job) -> JSON | None:
        return shown(root)["validation"]

    @strawberry_django.field(description="Some fields failed grounding and were dropped (or flagged).")
    def partial(self, root: Job) -> bool:
        return shown(root)["partial"]

    @strawberry_django.field(description="Why the job failed: {code, message, ...}.")
    def error(self, root: Job) -> JSON | None:
        return shown(root)["error"]

    @strawberry_django.field
    def cost(self, root: Job) -> Cost:
        cost = shown(root)["cost"]
        return Cost(usd=cost["usd"], prompt_tokens=cost["promptTokens"], completion_tokens=cost["completionTokens"])

    @strawberry_django.field(description="Set once the job is assembled.")
    def routing(self, root: Job) -> Routing | None:
        routing = shown(root)["routing"]
        return Routing(tier=routing["tier"], reasons=routing["reasons"]) if routing else None

    @strawberry_django.field(description="Milliseconds per stage.")
    def latency_ms(self, root: Job) -> JSON:
        return shown(root)["latencyMs"]

    @strawberry_django.field(description="Model answers validated so far (remediation adds one each).")
    def generations(self, root: Job) -> int:
        return shown(root)["generations"]

    @strawberry_django.field
    def created_at(self, root: Job) -> datetime:
        return root.created_at

    @strawberry_django.field
    def updated_at(self, root: Job) -> datetime:
        return root.updated_at

    @strawberry_django.field
    def started_at(self, root: Job) -> datetime | None:
        return root.started_at

    @strawberry_django.field
    def finished_at(self, root: Job) -> datetime | None:
        return root.finished_at


@strawberry.type(name="GenerationEdge", description="A generation and the cursor that points at it.")
class GenerationEdge:
    cursor: str
    node: Job = strawberry.field(graphql_type=Generation)


# A relay.Connection, so the strawberry-django optimizer finds `edges.node`
# and prefetches what the page's nodes select. Its nodes are not relay
# Nodes: a generation's id is its UUID, as in REST, not a global id.
@strawberry.type(name="GenerationConnection", description="A page of generations, newest first.")
class GenerationConnection(relay.Connection[Generation]):  # type: ignore[type-var]
    edges: list[GenerationEdge]  # type: ignore[assignment]
    total_count: int = strawberry.field(description="Generations matching the filter, on every page.")


@strawberry.input(description="As REST's list filters; every one given must match.")
class GenerationFilter:
    status: list[str] | None = strawberry.field(default=None, description="Any of these statuses.")
    template_id: str | None = strawberry.field(default=None, description="A task kind, template name or UUID.")
    template_version: str | None = None
    project_id: strawberry.ID | None = None
    created_after: datetime | None = strawberry.field(default=None, description="Inclusive.")
    created_before: datetime | None = strawberry.field(default=None, description="Exclusive.")


@strawberry.input(description="As REST's `options`; see docs/api.md.")
class GenerationOptions:
    mode: str | None = strawberry.field(default=None, description="Only `async`: GraphQL answers at once.")
    webhook_url: str | None = None
    priority: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    model: str | None = None
    cache: str | None = None
    deadline_seconds: int | None = None


@strawberry.input(description="The body of POST /api/v1/generations.")
class GenerationInput:
    template_id: str
    parameters: JSON
    template_version: str | None = None
    output_schema: JSON | None = None
    options: GenerationOptions | None = None
