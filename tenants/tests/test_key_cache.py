"""The per-process cache of authenticated keys (tenants/key_cache.py): a hit
reads no row, and any change to a key, its project or its organization is
seen on the very next request."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.testing import client_for
from common.soft_delete import soft_delete
from tenants import key_cache
from tenants.models import ApiKey
from tenants.selectors import api_key_by_raw
from tenants.services import api_key_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings: Any) -> Iterator[None]:
    settings.BEACON_API_KEY_CACHE_SECONDS = 30
    key_cache._entries.clear()
    yield
    key_cache._entries.clear()


def _lookups(raw: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        key = key_cache.api_key_authenticate(raw_key=raw)
    return key, len(queries)


def test_a_second_authentication_reads_no_row(org_factory):
    _, raw = org_factory()
    first, first_queries = _lookups(raw)
    again, again_queries = _lookups(raw)
    assert first is not None and first_queries == 1
    assert again is not None and again.pk == first.pk and again_queries == 0


def test_a_revoked_key_is_refused_on_the_next_request(org_factory, django_capture_on_commit_callbacks):
    _, raw = org_factory()
    client = client_for(raw)
    assert client.get("/api/v1/generations").status_code == 200
    key = api_key_by_raw(raw_key=raw)
    assert key is not None
    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(api_key=key)
    assert client.get("/api/v1/generations").status_code == 401


def test_a_key_of_a_project_put_in_the_trash_is_refused(org_factory, django_capture_on_commit_callbacks):
    _, raw = org_factory()
    assert _lookups(raw)[0] is not None
    key = ApiKey.objects.select_related("project").get(prefix=raw[:10])
    assert key.project is not None
    with django_capture_on_commit_callbacks(execute=True):
        soft_delete(key.project, by="test")
    assert _lookups(raw) == (None, 1)


def test_an_organization_change_is_read_again(org_factory, django_capture_on_commit_callbacks):
    org, raw = org_factory()
    assert _lookups(raw)[0].organization.monthly_budget_usd != 7
    org.monthly_budget_usd = 7
    with django_capture_on_commit_callbacks(execute=True):
        org.save()
    key, queries = _lookups(raw)
    assert queries == 1 and key.organization.monthly_budget_usd == 7


def test_expiry_is_checked_on_every_hit(org_factory):
    _, raw = org_factory()
    cached = _lookups(raw)[0]
    cached.expires_at = timezone.now() - timedelta(seconds=1)  # the shared instance: as if read just before expiry
    assert _lookups(raw) == (None, 0)


def test_without_redis_every_request_reads_the_database(org_factory, settings):
    _, raw = org_factory()
    assert _lookups(raw)[1] == 1
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert _lookups(raw)[1] == 1
    assert _lookups(raw)[1] == 1


def test_unknown_keys_are_not_remembered():
    assert _lookups("bk_not-a-real-key") == (None, 1)
    assert not key_cache._entries


def test_a_change_in_another_process_is_seen_through_the_epoch(org_factory):
    _, raw = org_factory()
    assert _lookups(raw)[1] == 1
    # Another process's change bumps the epoch in Redis; this process's entries stay.
    key_cache.redis_client().incr(key_cache.EPOCH_KEY)
    assert key_cache._entries
    assert _lookups(raw)[1] == 1
    assert _lookups(raw)[1] == 0
