"""Cost arithmetic, the ledger, budgets and their effects, usage endpoints."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from beacon.testing import generation_body
from common.redis_client import redis_client
from jobs.models import Job
from jobs.services import pipeline
from llm.budget import KEY_PREFIX, budget_state, spend_month_to_date
from llm.gateway import Attempt
from llm.ledger import calls_record
from llm.models import ModelCall
from llm.pricing import call_cost
from llm.registry import registry_from
from tenants.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    client = redis_client()
    keys = list(client.scan_iter(match=KEY_PREFIX + "*"))
    if keys:
        client.delete(*keys)


def test_cost_comes_from_token_prices_gpu_time_or_litellms_price_map():
    hosted, gpu, mapped, unknown = registry_from([
        {"name": "h", "tier": "small", "model": "m", "input_cost_per_token": "0.000002",
         "output_cost_per_token": "0.00001"},
        {"name": "g", "tier": "large", "model": "hosted_vllm/q", "gpu_hour_usd": 2.5, "gpu_concurrency": 10},
        {"name": "o", "tier": "small", "model": "openai/gpt-4o-mini"},
        {"name": "u", "tier": "small", "model": "openai/no-such-model"},
    ]).deployments  # fmt: skip
    assert call_cost(hosted, prompt_tokens=1000, completion_tokens=500, latency_ms=1) == Decimal("0.007")
    assert call_cost(gpu, prompt_tokens=9, completion_tokens=9, latency_ms=3_600_000) == Decimal("0.25")
    assert call_cost(mapped, prompt_tokens=1_000_000, completion_tokens=0, latency_ms=1) == Decimal("0.15")
    assert call_cost(unknown, prompt_tokens=1000, completion_tokens=1000, latency_ms=1) == 0


def _spend(org, usd, when=None):
    rows = calls_record(organization_id=org.id, project_id=None, job_id=None, task_kind="metadata_enrichment",
                        stage="generate", attempts=[Attempt("local-small", "m", "small", "ok",
                                                            cost_usd=Decimal(usd))])  # fmt: skip
    if when:
        ModelCall.objects.filter(pk=rows[0].pk).update(created_at=when)
    # Tests never commit, so the on-commit counter bump never runs: drop the
    # counters and let the next read rebuild them from the ledger.
    client = redis_client()
    keys = list(client.scan_iter(match=KEY_PREFIX + "*"))
    if keys:
        client.delete(*keys)


def test_the_projection_and_levels_follow_spend_and_elapsed_month(org_factory):
    org, _ = org_factory()
    mid_june = datetime(2026, 6, 11, tzinfo=UTC)  # a third of June gone
    _spend(org, "20", when=mid_june)
    state = budget_state(str(org.id), Decimal(100), now=mid_june)
    assert state.spent_usd == 20 and state.projected_usd == 60 and state.level == "ok"
    _spend(org, "15", when=mid_june)
    assert budget_state(str(org.id), Decimal(100), now=mid_june).level == "soft"  # 35 -> 105 projected
    _spend(org, "70", when=mid_june)
    assert budget_state(str(org.id), Decimal(100), now=mid_june).level == "hard"
    assert budget_state(str(org.id), None, now=mid_june).level == "ok"  # no budget, no limit


def test_committed_spend_bumps_the_counter(org_factory, django_capture_on_commit_callbacks):
    org, _ = org_factory()
    assert spend_month_to_date(str(org.id)) == 0  # creates the counter
    with django_capture_on_commit_callbacks(execute=True):
        _spend(org, "1.25")
    assert spend_month_to_date(str(org.id)) == Decimal("1.25")


def test_a_spent_budget_refuses_new_jobs_with_429_and_quota_says_why(api, org_factory):
    org = Organization.objects.get(slug="acme")
    org.monthly_budget_usd = Decimal(10)
    org.save()
    assert api.get("/api/v1/usage/quota").json()["data"]["level"] == "ok"
    _spend(org, "10")
    response = api.post("/api/v1/generations", generation_body(), format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "budget_exhausted"
    quota = api.get("/api/v1/usage/quota").json()["data"]
    assert quota["level"] == "hard" and quota["organization"]["remainingUsd"] == "0.00"


def test_low_priority_work_waits_at_the_hard_limit_and_is_not_dropped(api, scripted):
    job_id = api.post("/api/v1/generations", {**generation_body(), "options": {"priority": "low"}},
                      format="json").json()["data"]["id"]  # fmt: skip
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    org = Organization.objects.get(slug="acme")
    org.monthly_budget_usd = Decimal(1)
    org.save()
    _spend(org, "2")
    assert pipeline.generate_run(job_id=job_id) is True
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage, job.lease_expires_at, job.generation_count) == ("generating", "generate", None, 0)
    deferred = job.events.get(type="budget_deferred")
    assert deferred.data["level"] == "hard" and "retryAt" in deferred.data
    assert job.published_at is not None


def test_budget_pressure_routes_large_work_to_small_and_says_so(api, scripted):
    org = Organization.objects.get(slug="acme")
    org.monthly_budget_usd = Decimal(100)
    org.save()
    _spend(org, "99")  # on track to overrun: soft
    body = generation_body("product_description")
    body["parameters"]["product"] = {"title": "Blue shirt"}
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    job = Job.objects.get(pk=job_id)
    assert job.routing is not None and job.routing["tier"] == "small" and job.routing["budgetLevel"] == "soft"
    assert job.events.filter(type="budget_degraded").exists()


def test_every_attempt_lands_in_the_ledger_and_a_cache_hit_is_free(api, scripted):
    ids = []
    for _ in range(2):
        job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
        for stage in (pipeline.prepare_run, pipeline.assemble_run, pipeline.generate_run):
            stage(job_id=job_id)
        ids.append(job_id)
    first, second = (ModelCall.objects.get(job_id=job_id) for job_id in ids)
    assert (first.outcome, first.cached, first.deployment, first.stage) == ("ok", False, "local-small", "generate")
    assert first.routing_reason["tier"] == "small"
    assert (second.outcome, second.cached, second.cost_usd) == ("cached", True, 0)
    assert Job.objects.get(pk=ids[1]).events.get(type="model_called").data["cached"] is True


def test_usage_groups_by_day_model_task_kind_and_project(api):
    org = Organization.objects.get(slug="acme")
    _spend(org, "0.5")
    _spend(org, "0.25")
    by_model = api.get("/api/v1/usage?groupBy=model").json()
    assert by_model["data"] == [{"key": "local-small", "calls": 2, "cachedCalls": 0, "failedCalls": 0,
                                 "promptTokens": 0, "completionTokens": 0, "costUsd": "0.75000000"}]  # fmt: skip
    assert by_model["meta"]["totalCostUsd"] == "0.75000000"
    by_day = api.get("/api/v1/usage").json()["data"]
    assert len(by_day) == 1 and by_day[0]["calls"] == 2
    assert api.get("/api/v1/usage?groupBy=taskKind").json()["data"][0]["key"] == "metadata_enrichment"
    bad = api.get("/api/v1/usage?groupBy=colour")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    assert api.get("/api/v1/usage?from=2026-13-01").status_code == 422


def test_an_input_no_model_can_hold_is_refused_at_intake(api, settings):
    settings.BEACON_MAX_REQUEST_BYTES = 2_000_000
    body = generation_body(content="lorem ipsum dolor " * 1100)  # under the 20,000 character limit
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "prompt_too_long"


def test_breaker_state_is_in_detailed_health_and_metrics(ops):
    from llm.breaker import breaker_record, breaker_reset

    for _ in range(10):
        breaker_record("local-large", ok=False)
    try:
        checks = ops.get("/api/v1/health/detailed").json()["checks"]
        assert checks["breakers"]["detail"]["local-large"]["state"] == "open"
        metrics = ops.get("/metrics").content.decode()
        assert 'beacon_llm_breaker_state{deployment="local-large",tier="large"} 2.0' in metrics
    finally:
        breaker_reset("local-large")


def test_with_redis_down_the_ledger_is_summed_once_not_per_submission(org_factory):
    from unittest import mock

    import redis as redis_lib
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from llm import budget

    budget._ledger_fallback.clear()
    org, _ = org_factory("offline")
    broken = mock.Mock(get=mock.Mock(side_effect=redis_lib.ConnectionError("down")))
    with mock.patch.object(budget, "redis_client", return_value=broken):
        with CaptureQueriesContext(connection) as first:
            budget.spend_month_to_date(str(org.id))
        with CaptureQueriesContext(connection) as later:
            for _ in range(20):
                budget.spend_month_to_date(str(org.id))
    assert len(first.captured_queries) == 1 and len(later.captured_queries) == 0


def test_a_scope_without_a_budget_is_never_spent_and_its_spend_is_not_read(monkeypatch, settings):
    # The intake asks on every submission: without a budget there is nothing to read.
    import llm.budget as budget_module

    settings.LLM_GLOBAL_MONTHLY_BUDGET_USD = None

    def unreadable(*_: object, **__: object) -> Decimal:
        raise AssertionError("spend read for a scope without a budget")

    monkeypatch.setattr(budget_module, "spend_month_to_date", unreadable)
    assert budget_module.budget_spent("org-without-budget", None) is None
