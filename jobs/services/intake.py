"""Checks at intake that can refuse a job before it is accepted.

Only what can be known cheaply and for certain at submission: a spent budget
(429) and an input that no enabled deployment's context window can hold
(422). Everything else is the pipeline's to find out.
"""

import json
from typing import Any

from beacon.api import ApiError, TooManyRequests
from llm.budget import governor_level
from llm.registry import registry
from llm.tokens import exceeds_every_context
from prompts.task_kinds import TaskKind
from tenants.models import Organization


def intake_checks(
    *, organization: Organization, kind: TaskKind, parameters: dict[str, Any], max_tokens: int | None
) -> None:
    level, states = governor_level(str(organization.id), organization.monthly_budget_usd)
    if level == "hard":
        spent = next(s for s in states if s.level == "hard")
        raise TooManyRequests(
            "The model budget for this month is spent; new jobs are refused until "
            f"{spent.month_end:%Y-%m-%d} or until the budget is raised. Jobs already accepted still run.",
            code="budget_exhausted",
            details=[{"field": "budget", "message": "spent", "code": "budget_exhausted", **spent.as_dict()}],
        )
    text = json.dumps(parameters, ensure_ascii=False)
    tokens = exceeds_every_context(
        text=text, max_tokens=max_tokens or kind.max_tokens, deployments=registry().enabled()
    )
    if tokens is not None:
        widest = max(d.context_window for d in registry().enabled())
        raise ApiError(
            f"The input is {tokens} tokens; with {max_tokens or kind.max_tokens} tokens to generate it cannot fit "
            f"any model's context window (the largest is {widest}).",
            code="prompt_too_long",
            status_code=422,
            details=[{"field": "parameters", "message": f"{tokens} tokens", "code": "prompt_too_long"}],
        )
