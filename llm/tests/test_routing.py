"""The routing policy, rule by rule, on a registry given inline."""

from collections import Counter

import pytest

from llm.registry import RegistryError, registry_from
from llm.routing import NoDeploymentError, RouteRequest, route

REGISTRY = registry_from([
    {"name": "s1", "tier": "small", "model": "openai/s1", "weight": 90, "context_window": 8000},
    {"name": "s2", "tier": "small", "model": "openai/s2", "weight": 10, "context_window": 8000},
    {"name": "l1", "tier": "large", "model": "openai/l1", "context_window": 100000},
    {"name": "off", "tier": "large", "model": "openai/off", "enabled": False},
])  # fmt: skip


def decide(closed=lambda name: False, **fields):
    request = RouteRequest(**{"task_kind": "metadata_enrichment", "default_tier": "small", "input_tokens": 100,
                              "max_tokens": 200, "routing_key": "job-1", **fields})  # fmt: skip
    return route(request, registry=REGISTRY, is_open=closed)


def test_the_task_kind_sets_the_default_tier_and_the_other_tier_is_the_fallback():
    decision = decide()
    assert decision.tier == "small"
    assert set(decision.candidates[:2]) == {"s1", "s2"} and decision.candidates[2:] == ("l1",)
    assert decision.reasons == ("task kind metadata_enrichment defaults to small",)
    assert "off" not in decision.candidates


def test_long_inputs_escalate_to_large(settings):
    settings.LLM_ESCALATE_INPUT_TOKENS = 1000
    decision = decide(input_tokens=1200)
    assert decision.tier == "large" and decision.candidates[0] == "l1"
    assert "at least 1000" in decision.reasons[-1]


def test_premium_customers_run_on_large_and_budget_pressure_spares_them():
    assert decide(customer_tier="premium").tier == "large"
    assert decide(customer_tier="premium", budget_level="soft").tier == "large"


def test_remediation_escalates_small_to_large():
    decision = decide(escalate=True)
    assert decision.tier == "large" and "remediation escalated small to large" in decision.reasons


def test_an_explicit_override_names_a_tier_or_pins_a_deployment():
    assert decide(override="large").candidates[0] == "l1"
    pinned = decide(override="s2")
    assert pinned.candidates[0] == "s2" and "options.model pinned deployment s2" in pinned.reasons
    with pytest.raises(NoDeploymentError) as caught:
        decide(override="nope")
    assert caught.value.code == "unknown_model"


def test_budget_pressure_degrades_non_premium_large_work_to_small_without_large_fallback():
    decision = decide(default_tier="large", budget_level="soft")
    assert decision.tier == "small"
    assert "l1" not in decision.candidates
    assert "budget soft: non-premium large work degraded to small" in decision.reasons


def test_a_canary_split_follows_the_weights_and_is_stable_per_job():
    firsts = Counter(decide(routing_key=f"job-{i}").candidates[0] for i in range(2000))
    assert 0.85 < firsts["s1"] / 2000 < 0.95  # weights 90/10
    assert {decide(routing_key="job-7").candidates for _ in range(5)} == {decide(routing_key="job-7").candidates}


def test_open_breakers_and_small_windows_are_skipped_with_the_reason():
    decision = decide(closed=lambda name: name == "s1", input_tokens=7900)
    assert decision.candidates == ("l1",)
    assert decision.skipped == {"s1": "context window 8000 < 8100 tokens", "s2": "context window 8000 < 8100 tokens"}
    decision = decide(closed=lambda name: name == "s1")
    assert decision.candidates[0] == "s2" and decision.skipped == {"s1": "circuit breaker open"}


def test_no_candidate_says_why():
    with pytest.raises(NoDeploymentError) as caught:
        decide(input_tokens=200000)
    assert caught.value.code == "context_length_exceeded"
    with pytest.raises(NoDeploymentError) as caught:
        decide(closed=lambda name: True)
    assert caught.value.code == "no_deployment_available"


def test_fallback_across_tiers_can_be_turned_off(settings):
    settings.LLM_FALLBACK_ACROSS_TIERS = False
    assert "l1" not in decide().candidates


@pytest.mark.parametrize(
    ("entry", "message"),
    [({"name": "x", "tier": "huge", "model": "m"}, "tier"), ({"name": "x", "tier": "small"}, "model"),
     ({"name": "x", "tier": "small", "model": "m", "queue": "cpu"}, "queue"),
     ({"name": "x", "tier": "small", "model": "m", "colour": "red"}, "unknown fields")],
)  # fmt: skip
def test_the_registry_rejects_bad_entries_by_name(entry, message):
    with pytest.raises(RegistryError, match=message):
        registry_from([entry])
