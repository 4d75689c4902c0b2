"""Checks at intake that can refuse a job before it is accepted.

Only what can be known cheaply and for certain at submission: a spent budget
(429), a customer tier above the one the key's project has (422), and an
input that no enabled deployment's context window can hold (422).
Everything else is the pipeline's to find out.
"""

import json
from typing import Any

from common.api import ApiError, TooManyRequests
from llm.budget import budget_spent
from llm.registry import registry
from llm.tokens import exceeds_every_context
from prompts.task_kinds import TaskKind
from tenants.models import CUSTOMER_TIER_RANK, ApiKey, CustomerTier


def customer_tier_of(*, api_key: ApiKey, parameters: dict[str, Any]) -> str:
    """The tier a job runs at: the project's (else the organization's), or a
    lower one the producer asks for in `parameters.customer_tier`."""
    assert api_key.project is not None, "API keys always carry a project"
    # The key's organization is loaded with it; the project's is the same row.
    allowed = api_key.project.customer_tier or api_key.organization.customer_tier
    asked = parameters.get("customer_tier")
    if asked is None:
        return str(allowed)
    if CUSTOMER_TIER_RANK[CustomerTier(asked)] > CUSTOMER_TIER_RANK[CustomerTier(allowed)]:
        raise ApiError(
            f"customer_tier {asked!r} is above this project's tier ({allowed!r}); a job may ask for a lower "
            "tier, never a higher one. The tier is set on the organization or project by an operator.",
            code="tier_not_allowed",
            status_code=422,
            details=[
                {"field": "parameters.customer_tier", "message": f"at most {allowed}", "code": "tier_not_allowed"}
            ],
        )
    return str(asked)


def budget_check(*, api_key: ApiKey) -> None:
    """429 while the organization's model budget for the month is spent."""
    organization = api_key.organization
    spent = budget_spent(str(organization.id), organization.monthly_budget_usd)
    if spent is not None:
        raise TooManyRequests(
            "The model budget for this month is spent; new jobs are refused until "
            f"{spent.month_end:%Y-%m-%d} or until the budget is raised. Jobs already accepted still run.",
            code="budget_exhausted",
            details=[{"field": "budget", "message": "spent", "code": "budget_exhausted", **spent.as_dict()}],
        )


def request_fits(*, api_key: ApiKey, kind: TaskKind, parameters: dict[str, Any], max_tokens: int | None) -> None:
    """The request's own limits: a customer tier the project allows, and an
    input that some enabled deployment's context window can hold (422)."""
    customer_tier_of(api_key=api_key, parameters=parameters)
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
