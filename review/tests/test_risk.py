"""Risk routing: each signal, the threshold, the audit sample, the SLA."""

from datetime import timedelta

import pytest

from review.risk import review_due_in, risk_assess, risk_policy_for, sampled


def _assess(kind="product_description", **overrides):
    arguments = {"job_id": "job-1", "kind_name": kind, "safety_reasons": [], "output": {}, "validation": {},
                 "customer_tier": "standard", "in_experiment": False, **overrides}  # fmt: skip
    return risk_assess(**arguments)


def test_a_clean_job_is_not_routed():
    assessment = _assess()
    assert assessment.reasons == [] and assessment.score == 0 and not assessment.needs_review


def test_safety_findings_always_route_with_their_details():
    assessment = _assess(safety_reasons=[{"reason": "off_task", "path": "description"}])
    assert assessment.needs_review and assessment.reasons == [{"reason": "off_task", "weight": 1.0,
                                                                "path": "description"}]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "reason", "routed"),
    [
        ({"validation": {"partial": True, "dropped": ["attributes.brand"]}}, "dropped_fields", False),
        ({"validation": {"partial": True, "grounding": [{"field": "description", "grounded": False}]}},
         "ungrounded_claims", True),
        ({"validation": {"parsePass": "repaired"}}, "repaired_output", False),
        ({"output": {"categories": [{"path": "Home", "confidence": 0.3}]}}, "low_confidence", True),
        ({"customer_tier": "premium"}, "customer_tier", False),
        ({"in_experiment": True}, "experiment", False),
    ],
)  # fmt: skip
def test_each_signal_fires_with_its_weight(overrides, reason, routed):
    assessment = _assess(**overrides)
    assert [r["reason"] for r in assessment.reasons] == [reason]
    assert assessment.needs_review is routed


def test_small_signals_add_up_to_a_review():
    assessment = _assess(customer_tier="premium", validation={"parsePass": "extracted"}, in_experiment=True)
    assert assessment.score == 0.7 and assessment.needs_review


def test_moderation_routes_sensitive_verdicts():
    output = {"verdict": "block", "categories": ["harassment"], "summary": "Insults."}
    assessment = _assess("moderation_summary", output=output)
    assert assessment.reasons[0]["reason"] == "sensitive_category" and assessment.needs_review
    assert not _assess("moderation_summary", output={"verdict": "allow", "categories": ["none"]}).needs_review


def test_the_audit_sample_is_stable_per_job_and_near_its_rate(settings):
    settings.BEACON_REVIEW_SAMPLING = True
    picks = [sampled(f"job-{i}", 0.05) for i in range(4000)]
    assert 0.035 < sum(picks) / len(picks) < 0.065
    assert [sampled("job-7", 0.05)] * 3 == [sampled("job-7", 0.05) for _ in range(3)]
    job = next(f"job-{i}" for i, pick in enumerate(picks) if pick)
    assessment = _assess(job_id=job)
    assert assessment.sampled_only and assessment.needs_review


def test_kind_overrides_merge_with_the_defaults():
    policy = risk_policy_for("moderation_summary")
    assert policy["weights"]["sensitive_category"] == 1.0 and policy["weights"]["off_task"] == 1.0
    assert risk_policy_for("taxonomy_tagging")["low_confidence_below"] == 0.6


def test_sla_and_priority_follow_the_customer_tier():
    assert review_due_in("product_description", "premium") == (timedelta(minutes=30), 3)
    assert review_due_in("product_description", "free") == (timedelta(hours=24), 1)
    assert review_due_in("product_description", "unknown") == (timedelta(hours=4), 2)
