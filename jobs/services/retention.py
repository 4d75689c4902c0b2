"""Retention: what a finished job keeps, and for how long.

Each purge is a conditional bulk UPDATE run hourly by beat, idempotent and
safe to run twice; a job under legal hold (its own, its project's or its
organization's: jobs/services/legal_holds.py) keeps everything.

* The raw input and working data (encrypted; they hold the unredacted
  input) go BEACON_RAW_RETENTION_HOURS after the job ends.
* Webhook delivery bodies (a copy of the result, kept so every attempt
  sends the same bytes) go BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS after the
  delivery ended (delivered, gave up or failed); the delivery log stays.
* The result (output and validation trace) goes
  BEACON_RESULT_RETENTION_DAYS after the job ends; the job answers
  `result: null` with `resultPurgedAt`, and a `result_purged` event says so.

The event log is kept: it is append-only (a database trigger refuses
UPDATE and DELETE), holds no PII by construction (payloads carry codes,
counts and placeholders; jobs/tests/test_pipeline.py checks it), and is the
job's history. Moving old jobs to cheaper storage tiers is a different
matter from forgetting them.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs.models import TERMINAL_STATUSES, DeliveryStatus, EventType, JobEvent, JobPayload, JobResult, WebhookDelivery
from jobs.services.legal_holds import unheld

ENDED_DELIVERIES = (DeliveryStatus.DELIVERED, DeliveryStatus.GAVE_UP, DeliveryStatus.FAILED)


def payloads_purge(*, now: Any = None) -> int:
    """Drop the encrypted raw input and working data of terminal jobs older than
    BEACON_RAW_RETENTION_HOURS, except under legal hold; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.BEACON_RAW_RETENTION_HOURS)
    due = JobPayload.objects.filter(
        unheld("job__"),
        purged_at__isnull=True,
        job__status__in=list(TERMINAL_STATUSES),
        job__finished_at__lt=cutoff,
        job__stage="done",  # a webhook still being delivered may need the job
    )
    return due.update(raw=b"", working=None, purged_at=timezone.now())


def webhook_payloads_purge(*, now: Any = None) -> int:
    """Empty the bodies of deliveries that ended more than
    BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS ago, except under legal hold."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS)
    due = WebhookDelivery.objects.filter(
        unheld("job__"),
        job__isnull=False,  # a batch's own delivery is small and kept with the batch
        payload_purged_at__isnull=True,
        status__in=ENDED_DELIVERIES,
        created_at__lt=cutoff,
    )
    return due.update(payload="", payload_purged_at=timezone.now())


def results_purge(*, now: Any = None) -> int:
    """Drop the output and validation trace of jobs that ended more than
    BEACON_RESULT_RETENTION_DAYS ago, except under legal hold; each job gets
    a `result_purged` event in the same transaction."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BEACON_RESULT_RETENTION_DAYS)
    with transaction.atomic():
        due = list(
            JobResult.objects.select_for_update(skip_locked=True)
            .filter(
                unheld("job__"),
                purged_at__isnull=True,
                job__status__in=list(TERMINAL_STATUSES),
                job__finished_at__lt=cutoff,
            )
            .values_list("job_id", flat=True)[: settings.BEACON_RETENTION_BATCH]
        )
        if not due:
            return 0
        JobResult.objects.filter(job_id__in=due).update(output=None, validation={}, purged_at=timezone.now())
        days = {"retentionDays": settings.BEACON_RESULT_RETENTION_DAYS}
        JobEvent.objects.bulk_create(JobEvent(job_id=job_id, type=EventType.RESULT_PURGED, data=days) for job_id in due)
    return len(due)
