"""Which deployment answers a call, and why: the routing policy in one place.

The rules, in the order they apply (each one that changes the tier says so in
the decision's `reasons`):

1. The task kind's default tier.
2. Long inputs go to `large` (LLM_ESCALATE_INPUT_TOKENS).
3. Customer tier rules (LLM_CUSTOMER_TIER_RULES, e.g. premium -> large).
4. Remediation may ask for `large` (small failed validation).
5. An explicit override in the request's `options.model`: a tier or a
   deployment name.
6. The budget governor: when the organization's projected month exceeds its
   soft threshold, non-premium `large` work runs on `small`.
Deployments outside the organization's allowed regions (data residency)
are never candidates; when none is left the call fails with
`region_not_allowed`.

7. A job whose deadline leaves at least LLM_PROVIDER_BATCH_MIN_SLACK_SECONDS
   waits for the first candidate's batch API when it declares one
   (`provider_batch`); the candidates stay the online route it falls back to.

Then the candidates: the tier's enabled deployments whose context window fits
the prompt, the first one drawn by weight (stable per job, so a canary split
sends the same job to the same arm on every retry), the rest by weight;
deployments whose breaker is open are skipped; then, where policy allows, the
other tier's deployments as fallbacks.
"""

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings

from llm.registry import Deployment, Registry

PREMIUM = "premium"


@dataclass(frozen=True)
class RouteRequest:
    task_kind: str
    default_tier: str
    input_tokens: int
    max_tokens: int
    routing_key: str  # the job id: the same job draws the same canary arm
    customer_tier: str = "standard"
    override: str | None = None  # options.model: "small", "large" or a deployment name
    escalate: bool = False
    budget_level: str = "ok"  # ok | soft | hard
    deadline_slack_seconds: float | None = None  # until the job's deadline; None: no deadline
    allowed_regions: tuple[str, ...] = ()  # the organization's; empty: any region


@dataclass(frozen=True)
class RouteDecision:
    tier: str
    candidates: tuple[str, ...]
    reasons: tuple[str, ...]
    skipped: dict[str, str] = field(default_factory=dict)
    # The deployment whose batch API answers first ("" for online only).
    provider_batch: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "candidates": list(self.candidates), "reasons": list(self.reasons)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RouteDecision":
        return cls(
            tier=data["tier"],
            candidates=tuple(data["candidates"]),
            reasons=tuple(data["reasons"]),
            skipped=dict(data.get("skipped", {})),
            provider_batch=str(data.get("provider_batch") or ""),
        )


class NoDeploymentError(Exception):
    """No enabled deployment can take the call (all too small or all broken)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def _weighted_order(deployments: list[Deployment], routing_key: str) -> list[Deployment]:
    """The first by a weighted draw seeded by `routing_key`, the rest by weight."""
    by_weight = sorted(deployments, key=lambda d: (-d.weight, d.name))
    total = sum(d.weight for d in by_weight)
    if total <= 0 or len(by_weight) < 2:
        return by_weight
    digest = hashlib.sha256(routing_key.encode()).digest()
    point = int.from_bytes(digest[:8], "big") % total
    for index, deployment in enumerate(by_weight):
        if point < deployment.weight:
            return [deployment, *by_weight[:index], *by_weight[index + 1 :]]
        point -= deployment.weight
    return by_weight


def route(
    request: RouteRequest,
    *,
    registry: Registry,
    is_open: Callable[[str], bool],
) -> RouteDecision:
    reasons: list[str] = []
    tier = request.default_tier if request.default_tier in ("small", "large") else "small"
    reasons.append(f"task kind {request.task_kind} defaults to {tier}")

    threshold = settings.LLM_ESCALATE_INPUT_TOKENS
    if tier == "small" and request.input_tokens >= threshold:
        tier = "large"
        reasons.append(f"input of {request.input_tokens} tokens is at least {threshold}: large")

    forced_by_customer = settings.LLM_CUSTOMER_TIER_RULES.get(request.customer_tier)
    if forced_by_customer and forced_by_customer != tier:
        tier = forced_by_customer
        reasons.append(f"customer tier {request.customer_tier} runs on {tier}")

    if request.escalate and tier == "small":
        tier = "large"
        reasons.append("remediation escalated small to large")

    pinned: Deployment | None = None
    if request.override in ("small", "large"):
        if request.override != tier:
            reasons.append(f"options.model asked for {request.override}")
        tier = request.override
    elif request.override:
        try:
            pinned = registry.get(request.override)
        except KeyError:
            raise NoDeploymentError(f"unknown deployment {request.override!r}", code="unknown_model") from None
        tier = pinned.tier
        reasons.append(f"options.model pinned deployment {pinned.name}")

    if request.budget_level in ("soft", "hard") and tier == "large" and request.customer_tier != PREMIUM:
        tier = "small"
        pinned = pinned if pinned and pinned.tier == "small" else None
        reasons.append(f"budget {request.budget_level}: non-premium large work degraded to small")

    needed = request.input_tokens + request.max_tokens
    skipped: dict[str, str] = {}

    def usable(deployments: list[Deployment]) -> list[Deployment]:
        kept = []
        for deployment in deployments:
            if deployment.context_window < needed:
                skipped[deployment.name] = f"context window {deployment.context_window} < {needed} tokens"
            elif deployment.output_limit < request.max_tokens:
                skipped[deployment.name] = f"output limit {deployment.output_limit} < {request.max_tokens} tokens"
            elif request.allowed_regions and deployment.region not in request.allowed_regions:
                skipped[deployment.name] = f"region {deployment.region} is outside the organization's allowed regions"
            elif is_open(deployment.name):
                skipped[deployment.name] = "circuit breaker open"
            else:
                kept.append(deployment)
        return kept

    ordered = _weighted_order(registry.tier(tier), request.routing_key)
    if pinned is not None:
        ordered = [pinned, *(d for d in ordered if d.name != pinned.name)]
    candidates = usable(ordered)
    if ordered and not candidates and any("allowed regions" in skipped.get(d.name, "") for d in ordered):
        reasons.append(f"no {tier} deployment in the allowed regions ({', '.join(request.allowed_regions)})")
    other = "large" if tier == "small" else "small"
    if settings.LLM_FALLBACK_ACROSS_TIERS and not (other == "large" and request.budget_level != "ok"):
        fallbacks = usable(_weighted_order(registry.tier(other), request.routing_key))
        candidates += fallbacks
    if not candidates:
        too_small = skipped and all("context window" in why for why in skipped.values())
        outside = skipped and all("allowed regions" in why for why in skipped.values())
        code = (
            "context_length_exceeded" if too_small else "region_not_allowed" if outside else "no_deployment_available"
        )
        raise NoDeploymentError(
            "no deployment can take this call: " + "; ".join(f"{k}: {v}" for k, v in skipped.items()), code=code
        )
    provider_batch = ""
    slack = request.deadline_slack_seconds
    first = candidates[0]
    if first.batch_api and slack is not None and slack >= settings.LLM_PROVIDER_BATCH_MIN_SLACK_SECONDS:
        provider_batch = first.name
        reasons.append(f"deadline in {slack / 3600:.1f} h: {first.name}'s batch API first, online as fallback")
    return RouteDecision(
        tier=tier,
        candidates=tuple(d.name for d in candidates),
        reasons=tuple(reasons),
        skipped=skipped,
        provider_batch=provider_batch,
    )
