"""Webhook delivery: Standard Webhooks signatures, the retry schedule, 410,
endpoints and their event types, secret rotation, re-delivery, SSRF."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from beacon.testing import client_for, generation_body, job_run_inline
from jobs.models import DeliveryStatus, Job, WebhookDelivery, WebhookEndpoint
from jobs.services.webhooks import (
    RETRY_SCHEDULE,
    deliveries_dispatch_due,
    delivery_attempt,
    endpoint_create,
    endpoint_secret_rotate,
)
from safety.ssrf import UnsafeUrl, url_check
from tenants.models import Role

pytestmark = pytest.mark.django_db


def run_job(api, **options) -> Job:
    body = generation_body()
    if options:
        body["options"] = options
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    job_run_inline(job_id)
    return Job.objects.get(pk=job_id)


def attempt(delivery: WebhookDelivery) -> WebhookDelivery:
    result = delivery_attempt(delivery_id=delivery.id)
    assert result is not None, "the attempt was not due"
    return result


def attempt_due(delivery: WebhookDelivery) -> WebhookDelivery:
    """The next attempt, as beat would send it once due."""
    WebhookDelivery.objects.filter(id=delivery.id).update(next_attempt_at=timezone.now())
    return attempt(delivery)


def seconds_to_next(delivery: WebhookDelivery) -> float:
    assert delivery.next_attempt_at is not None
    return (delivery.next_attempt_at - timezone.now()).total_seconds()


def test_an_ended_job_is_delivered_signed_per_standard_webhooks(api, scripted, receiver):
    url, handler = receiver
    job = run_job(api, webhookUrl=url)
    assert (job.status, job.stage) == ("completed", "done")  # delivery no longer holds the job
    delivery = job.webhook_deliveries.get()
    assert delivery.status == "pending" and handler.received == []
    delivery = attempt(delivery)
    assert delivery is not None and delivery.status == "delivered" and delivery.attempts == 1
    [(headers, body)] = handler.received
    payload = Webhook(job.project.webhook_secret).verify(body, headers)  # the reference library verifies it
    assert payload["type"] == "generation.completed" and payload["data"]["id"] == str(job.id)
    assert headers["webhook-id"] == delivery.message_id
    assert delivery.log[0]["statusCode"] == 200 and delivery.log[0]["latencyMs"] >= 0
    assert job.events.filter(type="webhook_delivered").count() == 1
    assert delivery_attempt(delivery_id=delivery.id) is None  # a duplicate task does nothing


def test_a_failing_receiver_gets_the_same_message_again_on_the_schedule(api, scripted, receiver):
    url, handler = receiver
    handler.statuses = [503, 500, 200]
    delivery = run_job(api, webhookUrl=url).webhook_deliveries.get()
    delivery = attempt(delivery)
    assert delivery is not None and delivery.status == "pending" and delivery.last_error == "HTTP 503"
    wait = seconds_to_next(delivery)
    assert RETRY_SCHEDULE[0] * 0.85 <= wait <= RETRY_SCHEDULE[0] * 1.1
    assert delivery_attempt(delivery_id=delivery.id) is None  # not due yet
    delivery = attempt_due(delivery)
    wait = seconds_to_next(delivery)
    assert RETRY_SCHEDULE[1] * 0.85 <= wait <= RETRY_SCHEDULE[1] * 1.1
    delivery = attempt_due(delivery)
    assert delivery.status == "delivered" and delivery.attempts == 3
    ids = {headers["webhook-id"] for headers, _ in handler.received}
    bodies = {body for _, body in handler.received}
    assert len(handler.received) == 3 and len(ids) == 1 and len(bodies) == 1  # receivers dedupe on the id
    assert [entry["statusCode"] for entry in delivery.log] == [503, 500, 200]


def test_the_schedule_spans_about_three_days_and_then_gives_up(api, scripted, receiver):
    assert 2.9 < sum(RETRY_SCHEDULE) / 86400 < 3.5
    url, handler = receiver
    handler.statuses = [502]
    delivery = run_job(api, webhookUrl=url).webhook_deliveries.get()
    for _ in range(len(RETRY_SCHEDULE) + 1):
        delivery = attempt_due(delivery)
    assert delivery.status == "gave_up" and delivery.attempts == len(RETRY_SCHEDULE) + 1
    assert delivery.job is not None and delivery.job.events.get(type="webhook_failed").data["error"] == "HTTP 502"


def test_410_disables_the_endpoint_and_stops(api, scripted, receiver):
    url, handler = receiver
    handler.statuses = [410]
    job_project = run_job(api).project
    endpoint = endpoint_create(project=job_project, url=url, event_types=[])
    delivery = run_job(api).webhook_deliveries.get(endpoint=endpoint)
    delivery = attempt(delivery)
    assert delivery is not None and delivery.status == "gave_up" and delivery.next_attempt_at is None
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "410" in endpoint.disabled_reason
    assert not run_job(api).webhook_deliveries.exists()  # a disabled endpoint gets nothing


def test_endpoints_receive_only_their_event_types(api, scripted, receiver):
    url, _ = receiver
    project = run_job(api).project
    everything = endpoint_create(project=project, url=url, event_types=[])
    failures = endpoint_create(project=project, url=url + "/failures", event_types=["generation.failed"])
    job = run_job(api)
    assert {d.endpoint_id for d in job.webhook_deliveries.all()} == {everything.id}
    assert failures.deliveries.count() == 0


def test_a_rotated_secret_signs_beside_the_old_one_until_the_overlap_ends(api, scripted, receiver):
    url, handler = receiver
    project = run_job(api).project
    endpoint = endpoint_create(project=project, url=url, event_types=[])
    old_secret = endpoint.secret
    endpoint = endpoint_secret_rotate(endpoint=endpoint)
    delivery = run_job(api).webhook_deliveries.get()
    delivery_attempt(delivery_id=delivery.id)
    headers, body = handler.received[-1]
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(body, headers)  # receivers not yet switched still verify
    Webhook(endpoint.secret).verify(body, headers)
    WebhookEndpoint.objects.filter(id=endpoint.id).update(previous_secret_expires_at=timezone.now())
    delivery = run_job(api).webhook_deliveries.get()
    delivery_attempt(delivery_id=delivery.id)
    headers, body = handler.received[-1]
    assert len(headers["webhook-signature"].split(" ")) == 1
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(old_secret).verify(body, headers)


def test_the_response_excerpt_is_kept_without_secrets(api, scripted, receiver):
    url, handler = receiver
    handler.statuses = [500]
    handler.reply = b"error: token Bearer abc.def and whsec_c2VjcmV0 leaked with bk_live_12345678901234567890"
    delivery = run_job(api, webhookUrl=url).webhook_deliveries.get()
    delivery = attempt(delivery)
    assert delivery is not None
    assert delivery.log[0]["response"] == "error: token [redacted] and [redacted] leaked with [redacted]"


def test_intake_refuses_a_webhook_port_out_of_range(api, scripted):
    body = {**generation_body(), "options": {"webhookUrl": "https://example.com:99999/hook"}}
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "options.webhookUrl"


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook", "http://[::1]/hook",
     "http://[::ffff:127.0.0.1]/hook", "http://localhost:5432/", "http://0.0.0.0/", "ftp://example.com/x",
     "http://user:pw@example.com/", "http://[fec0::1]/hook", "http://[2002:a00:1::1]/hook",
     "http://example.com:99999/hook", "http://example.com:0/hook"],
)  # fmt: skip
def test_private_loopback_and_metadata_addresses_are_refused(settings, url):
    settings.BEACON_WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(UnsafeUrl):
        url_check(url)


def test_allow_listed_networks_pass_and_public_addresses_are_pinned(settings):
    settings.BEACON_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert url_check("http://127.0.0.1:9/hook") is not None
    target = url_check("https://93.184.215.14/hook")
    assert target is not None and target.address == "93.184.215.14"
    private = [(2, 1, 6, "", ("10.1.2.3", 443))]
    with mock.patch("socket.getaddrinfo", return_value=private), pytest.raises(UnsafeUrl) as refused:
        url_check("https://rebinding.example/hook")  # a public-looking name for a private address
    # The producer learns that it is refused, not what the name resolves to.
    assert str(refused.value) == "the host 'rebinding.example' is not a public address"
    assert url_check("http://[2002:5db8:d70e::1]/hook") is not None  # 6to4 of a public IPv4 address


def test_intake_refuses_a_literal_private_webhook_url_and_delivery_refuses_a_private_name(api, scripted, settings):
    body = {**generation_body(), "options": {"webhookUrl": "http://169.254.169.254/x"}}
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "options.webhookUrl"
    settings.BEACON_WEBHOOK_ALLOWED_NETWORKS = []
    delivery = run_job(api, webhookUrl="http://localhost:8/hook").webhook_deliveries.get()
    delivery = attempt(delivery)
    assert delivery is not None and delivery.status == "failed" and delivery.last_error.startswith("unsafe_url")
    assert delivery.job is not None and delivery.job.events.filter(type="webhook_failed").exists()


def test_beat_frees_a_dead_attempt_and_sends_what_is_due(api, scripted, receiver):
    url, _ = receiver
    delivery = run_job(api, webhookUrl=url).webhook_deliveries.get()
    expired = timezone.now() - timedelta(seconds=1)
    WebhookDelivery.objects.filter(id=delivery.id).update(status=DeliveryStatus.SENDING, lease_expires_at=expired)
    with mock.patch("jobs.services.webhooks._enqueue") as enqueue:
        assert deliveries_dispatch_due() == 1
    enqueue.assert_called_once_with(delivery.id)
    assert WebhookDelivery.objects.get(id=delivery.id).status == "pending"


def test_the_api_manages_endpoints_lists_deliveries_and_redelivers(api, scripted, receiver, org_factory):
    url, handler = receiver
    _, admin_key = org_factory("acme", Role.ADMIN)
    admin = client_for(admin_key)
    assert api.post("/api/v1/webhook-endpoints", {"url": url}, format="json").status_code == 403  # editors may not
    created = admin.post("/api/v1/webhook-endpoints", {"url": url, "eventTypes": ["generation.completed"]},
                         format="json")  # fmt: skip
    assert created.status_code == 201 and created.json()["data"]["secret"].startswith("whsec_")
    endpoint_id = created.json()["data"]["id"]
    assert "secret" not in admin.get(f"/api/v1/webhook-endpoints/{endpoint_id}").json()["data"]
    refused = admin.post("/api/v1/webhook-endpoints", {"url": "http://10.0.0.1/x"}, format="json")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "unsafe_url"
    rotated = admin.post(f"/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret").json()["data"]
    assert rotated["secret"] != created.json()["data"]["secret"] and rotated["previousSecretExpiresAt"]
    job = run_job(api)
    [delivery] = api.get(f"/api/v1/generations/{job.id}/webhook-deliveries").json()["data"]
    assert delivery["status"] == "pending" and delivery["eventType"] == "generation.completed"
    delivery_attempt(delivery_id=delivery["id"])
    again = api.post(f"/api/v1/webhook-deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 202 and again.json()["data"]["status"] == "pending"
    delivery_attempt(delivery_id=delivery["id"])
    assert len(handler.received) == 2 and len({h["webhook-id"] for h, _ in handler.received}) == 1
    disabled = admin.patch(f"/api/v1/webhook-endpoints/{endpoint_id}", {"enabled": False}, format="json")
    assert disabled.json()["data"]["enabled"] is False
    assert admin.delete(f"/api/v1/webhook-endpoints/{endpoint_id}").status_code == 204
    project_secret = admin.post("/api/v1/webhook-secret/rotate").json()["data"]
    assert project_secret["secret"].startswith("whsec_") and json.dumps(project_secret)


@pytest.mark.parametrize("how", ["disabled", "deleted"])
def test_an_endpoint_that_is_disabled_or_deleted_receives_nothing_more(api, scripted, receiver, org_factory, how):
    url, handler = receiver
    _, admin_key = org_factory("acme", Role.ADMIN)
    admin = client_for(admin_key)
    endpoint_id = admin.post("/api/v1/webhook-endpoints", {"url": url}, format="json").json()["data"]["id"]
    job = run_job(api)
    delivery = job.webhook_deliveries.get(endpoint_id=endpoint_id)
    if how == "disabled":
        admin.patch(f"/api/v1/webhook-endpoints/{endpoint_id}", {"enabled": False}, format="json")
    else:
        assert admin.delete(f"/api/v1/webhook-endpoints/{endpoint_id}").status_code == 204
    stopped = attempt(delivery)
    assert handler.received == []
    assert stopped.status == "gave_up" and stopped.last_error == f"endpoint_{how}"
    assert job.events.filter(type="webhook_failed", data__error=f"endpoint_{how}").exists()


def test_a_jobs_own_webhook_url_is_still_delivered_without_an_endpoint(api, scripted, receiver):
    url, handler = receiver
    delivery = attempt(run_job(api, webhookUrl=url).webhook_deliveries.get())
    assert delivery.status == "delivered" and len(handler.received) == 1
