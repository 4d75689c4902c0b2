"""The sync client against a running Beacon: gunicorn + uvicorn, a Celery
worker, PostgreSQL and Redis, the scripted model."""

import time

import httpx
import pytest
from beacon_client import (
    APIConnectionError,
    AuthenticationError,
    Beacon,
    IdempotencyConflict,
    InvalidState,
    NotFound,
    RetryPolicy,
    ValidationError,
    WaitTimeout,
    __version__,
    verify_webhook,
)

from beacon.testing import generation_body, wait_for
from jobs.models import Job
from llm.scripted import scripted_responses_push
from review.tests.factories import DESCRIPTION, product_output
from tenants.models import AuditLog

BODY = generation_body()
TEMPLATE, PARAMETERS = BODY["templateId"], BODY["parameters"]
# Retries in tests wait milliseconds, not seconds.
QUICK = RetryPolicy(max_retries=3, backoff=0.01, max_backoff=0.05)


def held_for_review(beacon: Beacon) -> str:
    """A job the output scan holds for review (an instruction in the model's
    answer): it stays `reviewing` until someone decides, so it can be cancelled."""
    scripted_responses_push(product_output(f"{DESCRIPTION} I have been PWNED."))
    job = beacon.generations.create("product_description", {"content": DESCRIPTION, "locale": "en-US"})
    return beacon.generations.wait(job.id, timeout=60, return_on_review=True).id


def test_a_submitted_job_is_waited_for_by_polling_and_by_its_stream(beacon):
    job = beacon.generations.create(TEMPLATE, PARAMETERS)
    assert job.status == "queued" and job.template_id == "metadata_enrichment"
    seen: list[tuple[str, str]] = []
    done = beacon.generations.wait(job.id, timeout=60, on_update=lambda status, stage: seen.append((status, stage)))
    assert done.status == "completed" and done.is_terminal and done.finished_at is not None
    assert done.result is not None and done.result["attributes"]["brand"]["value"] == "Acme"
    assert done.raw["result"] == done.result and done.cost.prompt_tokens > 0
    assert seen[-1] == ("completed", "done")
    # The stream of a job that has ended replays its history and ends at once.
    started = time.monotonic()
    streamed = beacon.generations.wait(job.id, timeout=30, poll=False)
    assert streamed == done and time.monotonic() - started < 10


def test_waiting_on_the_stream_follows_a_job_as_it_runs(beacon):
    job = beacon.generations.create(TEMPLATE, PARAMETERS)
    statuses: list[str] = []
    done = beacon.generations.wait(job.id, timeout=60, poll=False, on_update=lambda s, _: statuses.append(s))
    assert done.status == "completed"
    assert statuses[0] == "queued" and statuses[-1] == "completed" and "generating" in statuses


def test_get_events_and_the_stream_show_the_jobs_history(beacon):
    job = beacon.generations.create(TEMPLATE, PARAMETERS)
    streamed = list(beacon.generations.stream(job.id))  # from the first event until the job ends
    fetched = beacon.generations.get(job.id)
    assert fetched.id == job.id and fetched.status == "completed"
    history = beacon.generations.events(job.id)
    assert [e.id for e in history] == [e.id for e in streamed]
    assert history[0].type == "submitted" and history[-1].to_status == "completed"
    assert any(e.type == "model_called" for e in history)
    # Resuming after an event id sends only what came after it.
    resumed = list(beacon.generations.stream(job.id, last_event_id=str(history[-3].id)))
    assert [e.id for e in resumed] == [e.id for e in history[-2:]]


def test_list_iterates_across_pages_by_following_links_next(beacon):
    ids = {beacon.generations.create(TEMPLATE, PARAMETERS).id for _ in range(5)}
    pager = beacon.generations.list(per_page=2)
    pages = list(pager.pages())
    assert [len(p.data) for p in pages] == [2, 2, 1] and pages[0].total == 5 and pages[0].total_pages == 3
    assert pages[0].next_url is not None and pages[-1].next_url is None
    assert {g.id for g in beacon.generations.list(per_page=2)} == ids
    assert len(list(beacon.generations.list(per_page=2, limit=3))) == 3
    # Filters go with the first page, and the next links keep them.
    first = next(iter(ids))
    beacon.generations.wait(first, timeout=60)
    completed = list(beacon.generations.list(status=["completed"], template_id=TEMPLATE, per_page=1))
    assert first in {g.id for g in completed} and all(g.status == "completed" for g in completed)


def test_cancel_ends_a_held_job_and_a_second_cancel_is_invalid_state(beacon):
    job_id = held_for_review(beacon)
    with pytest.raises(WaitTimeout) as timed_out:
        beacon.generations.wait(job_id, timeout=1)
    assert timed_out.value.last_status == "reviewing" and job_id in str(timed_out.value)
    beacon.generations.cancel(job_id)
    assert beacon.generations.get(job_id).status == "cancelled"
    with pytest.raises(InvalidState) as again:
        beacon.generations.cancel(job_id)
    assert again.value.status == 409 and again.value.code == "invalid_state"


def test_the_same_idempotency_key_returns_the_same_job_and_another_body_conflicts(beacon):
    first = beacon.generations.create(TEMPLATE, PARAMETERS, idempotency_key="order-42")
    again = beacon.generations.create(TEMPLATE, PARAMETERS, idempotency_key="order-42")
    assert again.id == first.id
    with pytest.raises(IdempotencyConflict) as conflict:
        beacon.generations.create(TEMPLATE, {**PARAMETERS, "content": "Another shirt"}, idempotency_key="order-42")
    assert conflict.value.status == 409 and conflict.value.code == "idempotency_key_reused"
    # Without a key each call is its own job.
    assert beacon.generations.create(TEMPLATE, PARAMETERS).id != first.id


class LoseFirstAnswers(httpx.HTTPTransport):
    """The network between client and Beacon: requests reach Beacon, but the
    first answers are lost (the connection drops after the request was sent),
    or refused by a proxy in front of it."""

    def __init__(self, *, lose: int = 0, refuse: int = 0) -> None:
        super().__init__()
        self.lose, self.refuse = lose, refuse
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        if self.refuse:
            self.refuse -= 1
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"error": {"code": "overloaded"}})
        response = super().handle_request(request)
        if self.lose:
            self.lose -= 1
            response.close()
            raise httpx.ReadError("connection reset after the request was sent", request=request)
        return response


def test_a_submission_whose_answer_was_lost_is_retried_with_its_key_and_makes_one_job(live, make_key, scripted):
    network = LoseFirstAnswers(lose=2, refuse=1)
    with Beacon(make_key(), base_url=live.url, transport=network, retry=QUICK) as beacon:
        job = beacon.generations.create(TEMPLATE, PARAMETERS)
    keys = {request.headers["Idempotency-Key"] for request in network.sent}
    assert len(network.sent) == 4 and len(keys) == 1
    assert Job.objects.filter(id=job.id).exists() and Job.objects.count() == 1


def test_a_request_that_is_not_safe_to_repeat_is_not_retried_after_a_lost_answer(live, make_key, scripted):
    network = LoseFirstAnswers(lose=1)
    admin = Beacon(make_key(role="admin"), base_url=live.url, transport=network, retry=QUICK)
    with admin, pytest.raises(APIConnectionError, match="ReadError"):
        admin.webhook_endpoints.create("http://127.0.0.1:9/hook")
    assert len(network.sent) == 1


def test_errors_carry_the_code_message_details_and_request_id(live, beacon):
    with Beacon("bk_not-a-key", base_url=live.url) as stranger, pytest.raises(AuthenticationError) as denied:
        stranger.generations.get("00000000-0000-0000-0000-000000000000")
    assert denied.value.status == 401 and denied.value.code == "unauthenticated" and denied.value.request_id
    with pytest.raises(NotFound) as missing:
        beacon.generations.get("00000000-0000-0000-0000-000000000000")
    assert missing.value.code == "not_found" and missing.value.request_id
    with pytest.raises(ValidationError) as invalid:
        beacon.generations.create(TEMPLATE, {"content": "A shirt"})  # no locale
    assert invalid.value.status == 422 and invalid.value.code == "validation_error"
    assert any(d["field"].startswith("parameters") for d in invalid.value.details), invalid.value.details
    assert invalid.value.request_id and invalid.value.request_id in str(invalid.value)


def test_requests_carry_the_key_and_the_clients_user_agent(beacon):
    beacon.generations.list().first_page()
    # The server writes the request's audit row as the response closes.
    rows = AuditLog.objects.filter(route="api/v1/generations", method="GET")
    row = wait_for(lambda: rows.order_by("-id").first(), 10, message="the audit row")
    assert row.user_agent == f"beacon-client/{__version__}" and row.status_code == 200
    assert row.api_key_id is not None


def test_templates_schemas_and_usage_are_read(beacon):
    templates = list(beacon.templates.list())
    names = {t.name for t in templates}
    assert {"metadata_enrichment", "product_description"} <= names and all(t.platform for t in templates)
    by_name = beacon.templates.get("metadata_enrichment")
    assert by_name.id == beacon.templates.get(by_name.id).id and by_name.task_kind == "metadata_enrichment"
    schema = beacon.schemas.get("metadata_enrichment")
    assert schema.platform and schema.name in {s.name for s in beacon.schemas.list()}
    usage = beacon.usage.get(group_by="taskKind")
    assert usage.group_by == "taskKind" and usage.total_calls == 0
    with pytest.raises(ValidationError):
        beacon.usage.get(group_by="planet")


def test_a_delivered_webhook_verifies_with_the_endpoints_secret(live, make_key, scripted, webhook_receiver):
    with Beacon(make_key(role="admin"), base_url=live.url) as admin:
        endpoint = admin.webhook_endpoints.create(webhook_receiver.url, event_types=["generation.completed"])
        assert endpoint.secret and endpoint.secret.startswith("whsec_")
        assert [e.id for e in admin.webhook_endpoints.list()] == [endpoint.id]
        job = admin.generations.create(TEMPLATE, PARAMETERS)
        admin.generations.wait(job.id, timeout=60)
        wait_for(lambda: webhook_receiver.received, 30, message="the webhook")
        admin.webhook_endpoints.delete(endpoint.id)
        assert list(admin.webhook_endpoints.list()) == []
    delivered = webhook_receiver.received[0]
    event = verify_webhook(delivered.body, delivered.headers, endpoint.secret)
    assert event.type == "generation.completed" and event.generation.id == job.id
    assert event.generation.status == "completed" and event.id.startswith("msg_")


def test_a_token_frame_of_the_stream_becomes_a_provisional_token_event():
    from beacon_client._resources import StreamState

    state = StreamState()
    state.headers()
    message = None
    for line in ("event: token", 'data: {"generation": 1, "text": "{\\"brand", "provisional": true}', ""):
        message = state.feed(line) or message
    assert message is not None
    event = state.event_of(message)
    assert (event.type, event.id, event.stage) == ("token", 0, "generate")
    assert event.data == {"generation": 1, "text": '{"brand', "provisional": True}
    assert state.last_event_id is None  # a token never moves the resume point
