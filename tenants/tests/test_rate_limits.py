"""API rate limits per organization tier and per key, and load shedding."""

import time
from unittest import mock

import pytest
import redis
from django.conf import settings

from beacon.testing import client_for, generation_body
from jobs.services.load import queue_depth
from tenants.models import ApiKey, Organization, RateTier, Role
from tenants.services import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_windows():
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter("beacon:rate:*"):
        client.delete(key)


def org_on(org_factory, tier: str, **fields):
    org, raw = org_factory("limited", Role.EDITOR)
    Organization.objects.filter(id=org.id).update(rate_tier=tier, **fields)
    org.refresh_from_db()
    return org, client_for(raw)


def test_the_free_tier_allows_30_a_minute_then_answers_429_with_retry_after(org_factory):
    _, client = org_on(org_factory, RateTier.FREE)
    answers = [client.get("/api/v1/generations") for _ in range(31)]
    assert [a.status_code for a in answers[:30]] == [200] * 30
    assert answers[0]["X-RateLimit-Limit"] == "30" and answers[0]["X-RateLimit-Remaining"] == "29"
    assert answers[29]["X-RateLimit-Remaining"] == "0"
    refused = answers[30]
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60 and refused["X-RateLimit-Remaining"] == "0"
    # The reset is a Unix time (the PRD's form), the moment Retry-After points at.
    now = time.time()
    assert now <= int(refused["X-RateLimit-Reset"]) <= now + 61
    assert abs(int(refused["X-RateLimit-Reset"]) - (now + int(refused["Retry-After"]))) <= 2


def test_a_key_cap_applies_under_the_organization_and_refusals_do_not_count(org_factory):
    org, capped = org_on(org_factory, RateTier.CUSTOM, rate_limit_per_minute=6)
    ApiKey.objects.filter(organization=org).update(rate_limit_per_minute=2)
    other = client_for(api_key_create(organization=org, role=Role.EDITOR).raw_key)
    statuses = [capped.get("/api/v1/generations").status_code for _ in range(5)]
    assert statuses == [200, 200, 429, 429, 429]
    # The organization has used 2 of its 6: the other key gets the other 4.
    assert [other.get("/api/v1/generations").status_code for _ in range(5)] == [200, 200, 200, 200, 429]


def test_the_window_slides(org_factory):
    _, client = org_on(org_factory, RateTier.CUSTOM, rate_limit_per_minute=2)
    start = 1_900_000_000.0
    with mock.patch("tenants.rate_limits.time.time", return_value=start):
        assert [client.get("/api/v1/generations").status_code for _ in range(3)] == [200, 200, 429]
    with mock.patch("tenants.rate_limits.time.time", return_value=start + 30):
        assert client.get("/api/v1/generations").status_code == 429  # still inside the 60 s window
    with mock.patch("tenants.rate_limits.time.time", return_value=start + 61):
        assert client.get("/api/v1/generations").status_code == 200


def test_without_redis_requests_go_through(org_factory):
    _, client = org_on(org_factory, RateTier.FREE)
    with mock.patch("tenants.rate_limits.redis_client") as broken:
        broken.return_value.eval.side_effect = redis.ConnectionError("down")
        response = client.get("/api/v1/generations")
    assert response.status_code == 200 and "X-RateLimit-Limit" not in response


def test_deep_queues_shed_low_priority_work_but_accept_the_rest(api, settings):
    settings.BEACON_SHED_QUEUE_DEPTH = 10
    low = {**generation_body(), "options": {"priority": "low"}}
    with mock.patch("jobs.services.load.queue_depth", return_value=11):
        refused = api.post("/api/v1/generations", low, format="json")
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "overloaded"
        assert refused["Retry-After"] == "30"
        assert api.post("/api/v1/generations", generation_body(), format="json").status_code == 202
    assert api.post("/api/v1/generations", low, format="json").status_code == 202  # queues drained


def test_queue_depth_reads_the_broker_queues():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("default", "llm", "gpu")
    broker.rpush("gpu", "a", "b")
    broker.rpush("default", "c")
    try:
        assert queue_depth() == 3
    finally:
        broker.delete("default", "gpu")
