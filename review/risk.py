"""Risk routing for the decide stage: signals from the job's safety checks,
validation and context, weighed by the task kind's policy (data:
`data/risk_policies.json`) into a score and its reasons.

A signal is a named fact with a weight; the score is their sum, capped at 1.
Above the kind's threshold the job goes to a reviewer with those reasons.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

POLICIES_FILE = Path(__file__).parent / "data" / "risk_policies.json"


@cache
def risk_policies() -> dict[str, dict[str, Any]]:
    return json.loads(POLICIES_FILE.read_text(encoding="utf-8"))


def risk_policy_for(kind_name: str) -> dict[str, Any]:
    policies = risk_policies()
    policy = {**policies["default"], **policies.get(kind_name, {})}
    policy["weights"] = {**policies["default"]["weights"], **policies.get(kind_name, {}).get("weights", {})}
    return policy


@dataclass
class RiskAssessment:
    threshold: float
    reasons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(min(1.0, sum(float(r["weight"]) for r in self.reasons)), 3)

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons) and self.score >= self.threshold

    @property
    def sampled_only(self) -> bool:
        """Routed by the audit sample alone: a low-risk job (bulk approvable)."""
        return [r["reason"] for r in self.reasons] == ["sampled"]

    def as_dict(self) -> dict[str, Any]:
        return {"riskScore": self.score, "threshold": self.threshold, "reasons": self.reasons}


def sampled(job_id: Any, rate: float) -> bool:
    """A stable draw per job: the same job always gets the same answer."""
    digest = hashlib.sha256(f"review-sample:{job_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def risk_assess(
    *,
    job_id: Any,
    kind_name: str,
    safety_reasons: list[dict[str, Any]],
    output: Any,
    validation: dict[str, Any],
    customer_tier: str,
    in_experiment: bool,
) -> RiskAssessment:
    policy = risk_policy_for(kind_name)
    weights = policy["weights"]
    assessment = RiskAssessment(threshold=float(policy["threshold"]))

    def signal(reason: str, **detail: Any) -> None:
        assessment.reasons.append({"reason": reason, "weight": weights.get(reason, 0.5), **detail})

    for found in safety_reasons:
        signal(found["reason"], **{key: value for key, value in found.items() if key not in ("reason", "weight")})
    if validation.get("partial"):
        dropped = validation.get("dropped") or []
        if dropped:
            signal("dropped_fields", fields=dropped)
        else:
            claims = [r.get("field") for r in validation.get("grounding") or [] if not r.get("grounded")]
            signal("ungrounded_claims", fields=claims)
    if validation.get("parsePass") in ("extracted", "repaired"):
        signal("repaired_output", parsePass=validation["parsePass"])
    if isinstance(output, dict):
        confidences = [c.get("confidence") for c in output.get("categories") or [] if isinstance(c, dict)]
        low = [c for c in confidences if isinstance(c, int | float) and c < policy["low_confidence_below"]]
        if low:
            signal("low_confidence", lowest=min(low))
        categories = [c for c in output.get("categories") or [] if isinstance(c, str)]
        sensitive = sorted(set(categories) & set(policy["sensitive_categories"]))
        if sensitive or output.get("verdict") == "block":
            signal("sensitive_category", categories=sensitive, verdict=output.get("verdict"))
    if customer_tier in policy["review_tiers"]:
        signal("customer_tier", tier=customer_tier)
    if in_experiment:
        signal("experiment")
    if not assessment.reasons and settings.BEACON_REVIEW_SAMPLING and sampled(job_id, float(policy["sample_rate"])):
        signal("sampled", rate=policy["sample_rate"])
    return assessment


def review_due_in(kind_name: str, customer_tier: str) -> tuple[timedelta, int]:
    """The SLA and the queue priority for a customer tier."""
    policy = risk_policy_for(kind_name)
    minutes = policy["sla_minutes"].get(customer_tier, policy["sla_minutes"]["standard"])
    priority = policy["priority"].get(customer_tier, policy["priority"]["standard"])
    return timedelta(minutes=minutes), int(priority)
