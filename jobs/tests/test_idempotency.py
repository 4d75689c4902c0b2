import threading

import pytest
from django.db import connection

from beacon.testing import client_for, generation_body
from jobs.models import IdempotencyRecord, Job


@pytest.mark.django_db
def test_same_key_and_body_returns_the_original_job(api):
    first = api.post("/api/v1/generations", generation_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post("/api/v1/generations", generation_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 202
    assert first.json()["data"]["id"] == second.json()["data"]["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_a_different_body_is_409(api):
    api.post("/api/v1/generations", generation_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = api.post(
        "/api/v1/generations", generation_body(content="Red wool hat"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_keys_are_scoped_per_organization(api, org_factory):
    _, other_key = org_factory("globex")
    a = api.post("/api/v1/generations", generation_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    b = client_for(other_key).post(
        "/api/v1/generations", generation_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert a.json()["data"]["id"] != b.json()["data"]["id"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_job(org_factory):
    _, key = org_factory()
    barrier = threading.Barrier(6)
    ids: list[str] = []
    statuses: list[int] = []

    def submit() -> None:
        try:
            barrier.wait()
            response = client_for(key).post(
                "/api/v1/generations", generation_body(), format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
            statuses.append(response.status_code)
            ids.append(response.json()["data"]["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [202] * 6
    assert len(set(ids)) == 1
    assert Job.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
