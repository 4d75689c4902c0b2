"""Which retention applies to a job: policies are data (RetentionPolicy rows,
edited in admin), resolved when the job ends and stamped on it as the times
each part goes (`retention_stamp`). Stamping at the end keeps every purge a
plain indexed range query, and a job keeps the terms it ended under when a
policy changes later (`manage.py retention_restamp` applies new terms to
jobs that already ended).
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from jobs.models import Job, RetentionPolicy

PARTS = ("raw_input_hours", "result_days", "webhook_payload_days", "event_days", "model_call_days")
_cache: tuple[float, list[RetentionPolicy]] | None = None


@dataclass(frozen=True)
class Retention:
    raw_input_hours: int
    result_days: int
    webhook_payload_days: int
    event_days: int | None  # None: kept
    model_call_days: int | None  # None: kept


def _policies() -> list[RetentionPolicy]:
    """Every policy, most specific first; cached briefly per process."""
    global _cache
    ttl = settings.BEACON_RETENTION_POLICY_CACHE_SECONDS
    if _cache is not None and time.monotonic() - _cache[0] < ttl:
        return _cache[1]
    policies = sorted(RetentionPolicy.objects.all(), key=lambda p: -p.specificity)
    _cache = (time.monotonic(), policies)
    return policies


def retention_for(job: Job) -> Retention:
    values: dict[str, int | None] = {
        "raw_input_hours": settings.BEACON_RAW_RETENTION_HOURS,
        "result_days": settings.BEACON_RESULT_RETENTION_DAYS,
        "webhook_payload_days": settings.BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS,
        "event_days": None,
        "model_call_days": None,
    }
    matching = [
        p
        for p in _policies()
        if p.organization_id in (None, job.organization_id)
        and p.task_kind in ("", job.task_kind)
        and p.customer_tier in ("", job.customer_tier)
    ]
    for part in PARTS:
        chosen = next((getattr(p, part) for p in matching if getattr(p, part) is not None), None)
        if chosen is not None:
            values[part] = chosen
    return Retention(**values)  # type: ignore[arg-type]


def retention_stamp(job: Job) -> None:
    """Fix when each part of an ended job goes (the caller saves the job)."""
    if job.finished_at is None:
        return
    terms = retention_for(job)
    end = job.finished_at
    job.raw_purge_at = end + timedelta(hours=terms.raw_input_hours)
    job.result_purge_at = end + timedelta(days=terms.result_days)
    job.webhook_payload_purge_at = end + timedelta(days=terms.webhook_payload_days)
    job.events_purge_at = end + timedelta(days=terms.event_days) if terms.event_days is not None else None
    job.model_calls_purge_at = (
        end + timedelta(days=terms.model_call_days) if terms.model_call_days is not None else None
    )
