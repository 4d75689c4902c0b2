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

How long is data, not code: each job is stamped when it ends with the time
each part goes, from the retention policies then in force
(jobs/services/retention_policies.py); a job that ended before policies
existed has no stamp and the settings' windows above apply to it.

The event log is kept unless a policy gives events an end: it is
append-only (a database trigger refuses UPDATE, and DELETE outside
`events_purge`), holds no PII by construction (payloads carry codes, counts
and placeholders; jobs/tests/test_pipeline.py checks it), and is the job's
history. Model-call records (the cost ledger) are kept likewise unless a
policy ends them.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from jobs.models import (
    TERMINAL_STATUSES,
    DeliveryStatus,
    EventType,
    Job,
    JobEvent,
    JobPayload,
    JobResult,
    WebhookDelivery,
)
from jobs.services.legal_holds import unheld
from llm.models import ModelCall

ENDED_DELIVERIES = (DeliveryStatus.DELIVERED, DeliveryStatus.GAVE_UP, DeliveryStatus.FAILED)


def _due(stamp: str, cutoff: Any, now: Any) -> Q:
    """Jobs whose stamped time for a part has passed, or, unstamped, that
    ended before the settings' cutoff (`stamp` is reached through `job__`)."""
    return Q(**{f"job__{stamp}__lt": now}) | Q(**{f"job__{stamp}__isnull": True, "job__finished_at__lt": cutoff})


def payloads_purge(*, now: Any = None) -> int:
    """Drop the encrypted raw input and working data of ended jobs whose raw
    retention passed, except under legal hold; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.BEACON_RAW_RETENTION_HOURS)
    due = JobPayload.objects.filter(
        _due("raw_purge_at", cutoff, now),
        unheld("job__"),
        purged_at__isnull=True,
        job__status__in=list(TERMINAL_STATUSES),
        job__stage="done",  # a webhook still being delivered may need the job
    )
    return due.update(raw=b"", working=None, purged_at=timezone.now())


def webhook_payloads_purge(*, now: Any = None) -> int:
    """Empty the bodies of ended deliveries whose job's webhook retention
    passed (unstamped: deliveries older than the settings' window), except
    under legal hold."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS)
    due = WebhookDelivery.objects.filter(
        Q(job__webhook_payload_purge_at__lt=now) | Q(job__webhook_payload_purge_at__isnull=True, created_at__lt=cutoff),
        unheld("job__"),
        job__isnull=False,  # a batch's own delivery is small and kept with the batch
        payload_purged_at__isnull=True,
        status__in=ENDED_DELIVERIES,
    )
    return due.update(payload="", payload_purged_at=timezone.now())


def results_purge(*, now: Any = None) -> int:
    """Drop the output and validation trace of ended jobs whose result
    retention passed, except under legal hold; each job gets a
    `result_purged` event in the same transaction."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BEACON_RESULT_RETENTION_DAYS)
    with transaction.atomic():
        due = list(
            JobResult.objects.select_for_update(skip_locked=True)
            .filter(
                _due("result_purge_at", cutoff, now),
                unheld("job__"),
                purged_at__isnull=True,
                job__status__in=list(TERMINAL_STATUSES),
            )
            .values_list("job_id", "job__finished_at", "job__result_purge_at")[: settings.BEACON_RETENTION_BATCH]
        )
        if not due:
            return 0
        JobResult.objects.filter(job_id__in=[job_id for job_id, _, _ in due]).update(
            output=None, validation={}, purged_at=timezone.now()
        )
        JobEvent.objects.bulk_create(
            JobEvent(job_id=job_id, type=EventType.RESULT_PURGED, data={"retentionDays": _days(ended, purge_at)})
            for job_id, ended, purge_at in due
        )
    return len(due)


def _days(ended: Any, purge_at: Any) -> int:
    if purge_at is None or ended is None:
        return settings.BEACON_RESULT_RETENTION_DAYS
    return int((purge_at - ended).total_seconds() // 86400)


EVENTS_PURGE_FLAG = "beacon.events_purge"  # the trigger lets DELETE through only with this set


def events_purge(*, now: Any = None) -> int:
    """Delete the event log of ended jobs whose policy gives events an end,
    except under legal hold; the job row stays. Returns the jobs purged."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Job.objects.filter(
                unheld(), events_purge_at__lt=now, status__in=list(TERMINAL_STATUSES), stage="done"
            ).values_list("id", flat=True)[: settings.BEACON_RETENTION_BATCH]
        )
        if not due:
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [EVENTS_PURGE_FLAG])
            JobEvent.objects.filter(job_id__in=due).delete()
            cursor.execute("SELECT set_config(%s, 'off', true)", [EVENTS_PURGE_FLAG])
        # Purged once: the stamp goes, so the next run does not find the job again.
        Job.objects.filter(id__in=due).update(events_purge_at=None)
    return len(due)


def model_calls_purge(*, now: Any = None) -> int:
    """Delete the cost-ledger rows of ended jobs whose policy ends them,
    except under legal hold. Returns the rows deleted."""
    now = now or timezone.now()
    jobs = Job.objects.filter(unheld(), model_calls_purge_at__lt=now, status__in=list(TERMINAL_STATUSES))
    job_ids = list(jobs.values_list("id", flat=True)[: settings.BEACON_RETENTION_BATCH])
    if not job_ids:
        return 0
    with transaction.atomic():
        deleted, _ = ModelCall.objects.filter(job_id__in=job_ids).delete()
        Job.objects.filter(id__in=job_ids).update(model_calls_purge_at=None)
    return deleted
