"""Retention (jobs/services/retention.py): raw input, webhook bodies and
results go after their windows, except under legal hold; the event log stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from beacon.testing import generation_body, job_run_inline, jobs_age
from jobs.models import Job, JobEvent, WebhookDelivery
from jobs.services import retention
from jobs.services.webhooks import delivery_attempt

pytestmark = pytest.mark.django_db


def _finished_jobs(api, count: int, **options) -> list[str]:
    ids = []
    for _ in range(count):
        body = generation_body()
        if options:
            body["options"] = options
        job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
        job_run_inline(job_id)
        ids.append(job_id)
    return ids


def test_raw_input_is_purged_after_retention_except_under_legal_hold(api, scripted, settings):
    settings.BEACON_RAW_RETENTION_HOURS = 1
    kept, purged = _finished_jobs(api, 2)
    Job.objects.filter(pk=kept).update(legal_hold=True)
    jobs_age([kept, purged], timedelta(hours=2))
    assert retention.payloads_purge() == 1
    payload = Job.objects.get(pk=purged).payload
    assert bytes(payload.raw) == b"" and payload.working is None and payload.purged_at is not None
    assert bytes(Job.objects.get(pk=kept).payload.raw) != b""
    assert Job.objects.get(pk=purged).result.output is not None  # the result has its own window
    assert retention.payloads_purge() == 0


def test_results_are_purged_after_retention_with_an_event_and_legal_hold_keeps_them(api, scripted, settings):
    settings.BEACON_RESULT_RETENTION_DAYS = 30
    kept, purged, recent = _finished_jobs(api, 3)
    Job.objects.filter(pk=kept).update(legal_hold=True)
    jobs_age([kept, purged], timedelta(days=31))
    events_before = JobEvent.objects.filter(job_id=purged).count()
    assert retention.results_purge() == 1
    answer = api.get(f"/api/v1/generations/{purged}").json()["data"]
    assert answer["status"] == "completed" and answer["result"] is None and answer["resultPurgedAt"]
    assert answer["validation"] == {}
    assert JobEvent.objects.filter(job_id=purged).count() == events_before + 1  # the history stays, and says so
    assert JobEvent.objects.get(job_id=purged, type="result_purged").data == {"retentionDays": 30}
    for job_id in (kept, recent):
        answer = api.get(f"/api/v1/generations/{job_id}").json()["data"]
        assert answer["result"] is not None and answer["resultPurgedAt"] is None
    assert retention.results_purge() == 0


def test_a_delivered_webhook_body_is_emptied_after_retention_and_cannot_be_redelivered(
    api, scripted, receiver, settings
):
    settings.BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS = 7
    url, handler = receiver
    old, pending = _finished_jobs(api, 2, webhookUrl=url)
    delivery = WebhookDelivery.objects.get(job_id=old)
    delivery_attempt(delivery_id=delivery.id)
    assert WebhookDelivery.objects.get(id=delivery.id).status == "delivered" and len(handler.received) == 1
    WebhookDelivery.objects.filter(job_id__in=[old, pending]).update(created_at=timezone.now() - timedelta(days=8))
    jobs_age([old, pending], timedelta(days=8))
    assert retention.webhook_payloads_purge() == 1  # the undelivered one still needs its body
    emptied = WebhookDelivery.objects.get(id=delivery.id)
    assert emptied.payload == "" and emptied.payload_purged_at is not None and emptied.log  # the log stays
    assert WebhookDelivery.objects.get(job_id=pending).payload != ""
    listed = api.get(f"/api/v1/generations/{old}/webhook-deliveries").json()["data"][0]
    assert listed["payloadPurgedAt"]
    refused = api.post(f"/api/v1/webhook-deliveries/{delivery.id}/redeliver")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"
    assert len(handler.received) == 1
    assert retention.webhook_payloads_purge() == 0


def test_retention_is_data_the_most_specific_policy_wins_part_by_part(api, scripted, org_factory):
    from jobs.models import RetentionPolicy
    from jobs.services.retention_policies import retention_for

    org, _ = org_factory("acme")
    RetentionPolicy.objects.create(result_days=90, event_days=400)  # the platform's default
    RetentionPolicy.objects.create(organization=org, result_days=30)
    RetentionPolicy.objects.create(organization=org, task_kind="metadata_enrichment", raw_input_hours=2)
    (job_id,) = _finished_jobs(api, 1)
    job = Job.objects.get(pk=job_id)
    terms = retention_for(job)
    assert (terms.raw_input_hours, terms.result_days, terms.event_days) == (2, 30, 400)
    assert terms.webhook_payload_days == 30 and terms.model_call_days is None  # settings; kept
    # Stamped when the job ended.
    assert job.finished_at is not None and job.raw_purge_at == job.finished_at + timedelta(hours=2)
    assert job.result_purge_at == job.finished_at + timedelta(days=30)
    assert job.events_purge_at == job.finished_at + timedelta(days=400) and job.model_calls_purge_at is None


def test_stamped_times_drive_every_purge_events_and_ledger_included(api, scripted, org_factory):
    from jobs.models import RetentionPolicy
    from llm.models import ModelCall

    org, _ = org_factory("acme")
    RetentionPolicy.objects.create(organization=org, raw_input_hours=1, result_days=1, event_days=1, model_call_days=1)
    gone, held = _finished_jobs(api, 2)
    Job.objects.filter(pk=held).update(legal_hold=True)
    assert ModelCall.objects.filter(job_id=gone).exists()
    later = timezone.now() + timedelta(days=2)
    assert retention.payloads_purge(now=later) == 1
    assert retention.results_purge(now=later) == 1
    assert retention.model_calls_purge(now=later) >= 1
    assert retention.events_purge(now=later) == 1
    assert not JobEvent.objects.filter(job_id=gone).exists() and JobEvent.objects.filter(job_id=held).exists()
    assert not ModelCall.objects.filter(job_id=gone).exists() and ModelCall.objects.filter(job_id=held).exists()
    assert Job.objects.filter(pk=gone).exists()  # the job row stays
    assert retention.events_purge(now=later) == 0  # done once


def test_the_event_log_still_refuses_deletes_outside_the_purge(api, scripted):
    from django.db import transaction

    (job_id,) = _finished_jobs(api, 1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        JobEvent.objects.filter(job_id=job_id).delete()


def test_restamping_applies_new_terms_to_ended_jobs(api, scripted, org_factory):
    from io import StringIO

    from django.core.management import call_command

    from jobs.models import RetentionPolicy

    org, _ = org_factory("acme")
    (job_id,) = _finished_jobs(api, 1)
    RetentionPolicy.objects.create(organization=org, result_days=7)
    out = StringIO()
    call_command("retention_restamp", "--org", "acme", stdout=out)
    job = Job.objects.get(pk=job_id)
    assert "1 job(s) stamped" in out.getvalue() and job.finished_at is not None
    assert job.result_purge_at == job.finished_at + timedelta(days=7)
