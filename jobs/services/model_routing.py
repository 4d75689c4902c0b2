"""Routing a job's generation (tier, deployments, queue) and the budget's hold on low-priority work."""

from typing import Any

from django.utils import timezone

from jobs.models import EventType, Job, Priority
from jobs.services.events import event_record
from jobs.services.job_settings import max_tokens_of, task_kind_of, tier_of
from jobs.services.stages import StageError, TransientStageError
from llm.budget import governor_level, organization_budget
from llm.errors import ModelError
from llm.gateway import decision_for
from llm.registry import registry
from llm.routing import RouteRequest
from llm.tokens import count_tokens


def job_route(job: Job, messages: list[dict[str, str]], *, escalate: bool) -> None:
    """Decide which deployments answer the next generation (stored on the job,
    which also picks the generate stage's queue). Budget decisions are events."""
    kind = task_kind_of(job)
    deployments = registry()
    probe = (deployments.tier(tier_of(job, kind)) or deployments.enabled())[0]
    input_tokens = count_tokens(probe, messages)
    level, states = governor_level(str(job.organization_id), organization_budget(job.organization_id))
    try:
        decision = decision_for(
            RouteRequest(
                task_kind=job.task_kind,
                default_tier=tier_of(job, kind),
                input_tokens=input_tokens,
                max_tokens=max_tokens_of(job, kind),
                routing_key=str(job.id),
                customer_tier=job.customer_tier,
                override=(job.options or {}).get("model"),
                escalate=escalate,
                budget_level=level,
                allowed_regions=tuple(job.organization.allowed_regions or ()),
                deadline_slack_seconds=(
                    (job.deadline_at - timezone.now()).total_seconds() if job.deadline_at else None
                ),
            )
        )
    except ModelError as exc:
        error_class = StageError if exc.permanent else TransientStageError
        raise error_class(str(exc), code=exc.code) from exc
    job.routing = {**decision.as_dict(), "inputTokens": input_tokens, "budgetLevel": level}
    if level != "ok":
        event_record(
            job=job, type=EventType.BUDGET_DEGRADED, data={"level": level, "tier": decision.tier, **states[0].as_dict()}
        )


def budget_defers(job: Job) -> dict[str, Any] | None:
    """At the hard limit `low` priority work waits; the budget state when it does."""
    if job.priority != Priority.LOW:
        return None
    level, states = governor_level(str(job.organization_id), organization_budget(job.organization_id))
    if level != "hard":
        return None
    return next(state.as_dict() for state in states if state.level == "hard")
