"""Writing the cost ledger: every attempt a gateway call made becomes a row."""

from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from llm.budget import spend_record
from llm.gateway import Attempt
from llm.models import ModelCall


def calls_record(
    *,
    organization_id: Any,
    project_id: Any,
    job_id: Any,
    task_kind: str,
    stage: str,
    attempts: Iterable[Attempt],
    routing_reason: dict[str, Any] | None = None,
) -> list[ModelCall]:
    """Insert one ModelCall per attempt; budgets count the spend once it commits."""
    rows = [
        ModelCall(
            organization_id=organization_id,
            project_id=project_id,
            job_id=job_id,
            task_kind=task_kind,
            stage=stage,
            deployment=attempt.deployment,
            model=attempt.model,
            tier=attempt.tier,
            outcome=attempt.outcome,
            error_code=attempt.error_code,
            prompt_tokens=attempt.prompt_tokens,
            completion_tokens=attempt.completion_tokens,
            cached_tokens=attempt.cached_tokens,
            cached=attempt.outcome == ModelCall.Outcome.CACHED,
            batched=attempt.batched,
            region=attempt.region,
            cost_usd=attempt.cost_usd,
            latency_ms=attempt.latency_ms,
            routing_reason=routing_reason or {},
        )
        for attempt in attempts
    ]
    if not rows:
        return rows
    ModelCall.objects.bulk_create(rows)  # one statement: atomic on its own
    total = sum((row.cost_usd for row in rows), Decimal(0))
    # Runs at once in autocommit, or after the caller's transaction commits.
    transaction.on_commit(partial(spend_record, organization_id=str(organization_id), cost_usd=total))
    return rows


def attempts_cost(attempts: Iterable[Attempt]) -> Decimal:
    return sum((attempt.cost_usd for attempt in attempts), Decimal(0))
