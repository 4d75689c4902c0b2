"""Deadline-aware routing to a provider's batch API, against a loopback server
with the shape of OpenAI's files and batch API (llm/loopback_batches.py):
answered lines, partial failure, expiry, a failed upload, and a job whose
deadline comes before the batch's answer."""

import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from beacon.testing import generation_body, job_run_inline
from jobs.models import Job
from llm.loopback_batches import LoopbackBatchServer
from llm.models import ModelCall, ProviderBatch, ProviderBatchRequest
from llm.provider_batches import provider_batches_poll, provider_batches_submit, requests_settled
from llm.registry import registry_from
from llm.routing import RouteRequest, route

pytestmark = pytest.mark.django_db

ANSWER = json.dumps({"brand": "Acme", "colour": "Blue", "material": "cotton", "size": "M"})
DAY = 24 * 3600


def _deployment(api_base: str = "http://127.0.0.1:9/v1", **extra) -> dict:
    return {
        "name": "hosted-mini",
        "tier": "small",
        "model": "openai/test-mini",
        "api_base": api_base,
        "api_key_env": "LLM_API_KEY",
        "json_mode": "openai",
        "batch_api": "openai",
        "input_cost_per_token": "0.000002",
        "output_cost_per_token": "0.000004",
        "stream": False,
        **extra,
    }


def _request(slack: float | None) -> RouteRequest:
    return RouteRequest(
        task_kind="metadata_enrichment",
        default_tier="small",
        input_tokens=100,
        max_tokens=100,
        routing_key="job-1",
        deadline_slack_seconds=slack,
    )


def test_routing_sends_a_job_with_time_to_spare_to_the_batch_api_and_keeps_the_online_route(settings):
    registry = registry_from([_deployment()])
    decision = route(_request(DAY), registry=registry, is_open=lambda name: False)
    assert decision.provider_batch == "hosted-mini" and decision.candidates == ("hosted-mini",)
    assert any("batch API" in reason for reason in decision.reasons)
    short = route(
        _request(settings.LLM_PROVIDER_BATCH_MIN_SLACK_SECONDS - 1), registry=registry, is_open=lambda n: False
    )
    assert short.provider_batch == ""
    assert route(_request(None), registry=registry, is_open=lambda n: False).provider_batch == ""
    online_only = registry_from([{**_deployment(), "batch_api": ""}])
    assert route(_request(DAY), registry=online_only, is_open=lambda n: False).provider_batch == ""


@pytest.fixture
def batch_server(settings) -> Iterator[LoopbackBatchServer]:
    with LoopbackBatchServer(answer=lambda body: ANSWER) as server:
        settings.LLM_PROVIDER = "local"
        settings.LLM_DEPLOYMENTS = [_deployment(server.api_base)]
        yield server


@pytest.fixture
def woken() -> Iterator[list[str]]:
    """The job ids the settled signal named (the jobs app wakes them)."""
    seen: list[str] = []

    def record(sender, *, job_ids, **kwargs):
        seen.extend(job_ids)

    requests_settled.connect(record, dispatch_uid="test-woken")
    yield seen
    requests_settled.disconnect(dispatch_uid="test-woken")


def _submit(api, deadline: int = DAY) -> str:
    # No output cache: each fallback below must reach the provider.
    body = {**generation_body(), "options": {"deadlineSeconds": deadline, "cache": "bypass"}}
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 202, response.content
    return response.json()["data"]["id"]


def _event_types(job_id: str) -> list[str]:
    return list(Job.objects.get(pk=job_id).events.values_list("type", flat=True))


def test_a_deferrable_job_waits_for_the_batch_and_completes_at_the_batch_price(
    api, batch_server, woken, django_capture_on_commit_callbacks
):
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("generating", "generate")
    assert job.routing is not None and job.routing["provider_batch"] == "hosted-mini"
    assert "provider_batch_queued" in _event_types(job_id)
    assert job.published_at is not None and job.published_at > timezone.now() + timedelta(
        hours=20
    )  # waits until its fallback time at most
    assert ProviderBatchRequest.objects.get(job_id=job_id).status == "pending"

    # Not due yet (one request, young): nothing is submitted without force.
    assert provider_batches_submit() == 0
    assert provider_batches_submit(force=True) == 1
    batch = ProviderBatch.objects.get()
    assert batch.status == "submitted" and batch.request_count == 1
    (line,) = batch_server.submitted_lines(batch.provider_batch_id)
    assert line["custom_id"] == f"{job_id}:1" and line["url"] == "/v1/chat/completions"
    assert line["body"]["model"] == "test-mini" and line["body"]["response_format"]["type"] == "json_schema"

    with django_capture_on_commit_callbacks(execute=True):
        assert provider_batches_poll() == 1
    assert woken == [job_id]
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed", job.error
    assert (job.result.output or {})["attributes"]["brand"]["value"] == "Acme"
    assert batch_server.online_requests == []  # the model was never called online
    call = ModelCall.objects.get(job_id=job_id)
    assert call.batched is True
    # Half the online price: prompt and completion tokens as the provider counted them.
    online = Decimal("0.000002") * call.prompt_tokens + Decimal("0.000004") * call.completion_tokens
    assert call.cost_usd == (online / 2).quantize(Decimal("0.00000001"))
    assert job.cost_usd == call.cost_usd
    assert "provider_batch_answered" in _event_types(job_id)


def test_a_line_in_the_error_file_sends_only_its_job_online(api, batch_server):
    first, second = _submit(api), _submit(api)
    job_run_inline(first)
    job_run_inline(second)
    batch_server.fail_ids = {f"{second}:1"}
    provider_batches_submit(force=True)
    provider_batches_poll()
    job_run_inline(first)
    job_run_inline(second)
    assert Job.objects.get(pk=first).status == "completed"
    assert Job.objects.get(pk=second).status == "completed"
    assert len(batch_server.online_requests) == 1  # only the failed line's job went online
    fallback = Job.objects.get(pk=second).events.get(type="provider_batch_fallback")
    assert fallback.data["reason"] == "batch_error:invalid_request"
    assert ModelCall.objects.get(job_id=first).batched is True
    assert ModelCall.objects.get(job_id=second).batched is False


def test_an_expired_batch_keeps_what_it_answered_and_the_rest_goes_online(api, batch_server):
    jobs = [_submit(api) for _ in range(3)]
    for job_id in jobs:
        job_run_inline(job_id)
    batch_server.outcome, batch_server.answered_before_expiry = "expired", 1
    provider_batches_submit(force=True)
    provider_batches_poll()
    assert ProviderBatch.objects.get().status == "expired"
    for job_id in jobs:
        job_run_inline(job_id)
        assert Job.objects.get(pk=job_id).status == "completed"
    reasons = sorted(
        event.data["reason"] for event in Job.objects.get(pk=jobs[1]).events.filter(type="provider_batch_fallback")
    )
    assert reasons == ["batch_expired"]
    assert len(batch_server.online_requests) == 2
    assert ModelCall.objects.filter(batched=True).count() == 1


def test_a_batch_still_running_near_the_deadline_is_abandoned_for_the_online_route(settings, api, batch_server):
    batch_server.polls_to_end = 1000  # never ends within this test
    job_id = _submit(api)
    job_run_inline(job_id)
    provider_batches_submit(force=True)
    provider_batches_poll()
    # The deadline is now closer than the fallback margin.
    soon = timezone.now() + timedelta(seconds=settings.LLM_PROVIDER_BATCH_FALLBACK_SECONDS - 60)
    Job.objects.filter(pk=job_id).update(deadline_at=soon)
    job_run_inline(job_id)
    assert Job.objects.get(pk=job_id).status == "completed"
    assert ProviderBatchRequest.objects.get(job_id=job_id).status == "abandoned"
    assert len(batch_server.online_requests) == 1
    # The batch's late answer changes nothing.
    batch_server.polls_to_end = 0
    ProviderBatch.objects.update(polled_at=None)
    provider_batches_poll()
    assert ProviderBatchRequest.objects.get(job_id=job_id).status == "abandoned"
    assert ModelCall.objects.filter(job_id=job_id).count() == 1


def test_a_failed_upload_puts_the_requests_back_and_the_last_try_sends_them_online(settings, api, batch_server):
    settings.LLM_PROVIDER_BATCH_SUBMIT_ATTEMPTS = 2
    job_id = _submit(api)
    job_run_inline(job_id)
    batch_server.fail_uploads = 2
    assert provider_batches_submit(force=True) == 0
    request = ProviderBatchRequest.objects.get(job_id=job_id)
    assert (request.status, request.submit_attempts, request.batch_id) == ("pending", 1, None)
    assert provider_batches_submit(force=True) == 0
    request.refresh_from_db()
    assert (request.status, request.error_code) == ("failed", "batch_submit_failed")
    job_run_inline(job_id)
    assert Job.objects.get(pk=job_id).status == "completed"
    assert len(batch_server.online_requests) == 1


def test_a_job_without_time_to_spare_never_waits(api, batch_server):
    job_id = _submit(api, deadline=600)
    job_run_inline(job_id)
    assert Job.objects.get(pk=job_id).status == "completed"
    assert not ProviderBatchRequest.objects.exists()
    assert len(batch_server.online_requests) == 1


def test_the_registry_refuses_a_batch_api_without_a_base_or_with_a_price_factor_out_of_range():
    from llm.registry import RegistryError

    with pytest.raises(RegistryError, match="api_base"):
        registry_from([{**_deployment(), "api_base": None}])
    with pytest.raises(RegistryError, match="batch_price_factor"):
        registry_from([_deployment(batch_price_factor=0)])
    with pytest.raises(RegistryError, match="batch_api"):
        registry_from([_deployment(batch_api="carrier-pigeon")])
