"""Beat's safety nets: nothing committed is left behind.

* The sweeper re-publishes stages whose message was published long ago but
  never picked up (a publish lost between commit and Redis, a flushed broker).
* The reaper takes back stages whose lease expired (a worker killed mid-call)
  and publishes them again; the fencing token keeps the old worker out.

Both use a conditional UPDATE per job, so two beat processes, or a sweep
racing a worker, cannot publish the same stage twice for one decision.
Duplicated messages are harmless anyway: a stage that is not due is a no-op.

Neither loops forever. The sweeper leaves a queue alone while it still holds
messages (the job's may be among them, waiting its turn). Each recovery is
an event; a stage recovered BEACON_MAX_STAGE_RECOVERIES times (a job that
kills its worker every time), or a job past its deadline, is dead-lettered
instead of being sent again.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.queues import queue_for
from jobs.models import EventType, IdempotencyRecord, Job, JobEvent
from jobs.services.load import queue_lengths
from jobs.services.publishing import STAGE_TASKS, message_send_on_commit, stage_queue
from jobs.services.stages import StageError, job_fail_by_id

logger = logging.getLogger(__name__)

BATCH = 500


RECOVERIES = (EventType.STAGE_REPUBLISHED, EventType.LEASE_EXPIRED)


def _give_up(job_id: Any, stage: str, deadline_at: Any, now: Any) -> bool:
    """Dead-letter a job that recovery must not send again; True if it did."""
    recovered = JobEvent.objects.filter(job_id=job_id, stage=stage, type__in=RECOVERIES).count()
    if deadline_at is not None and deadline_at < now:
        error = StageError("the job passed its deadline before this stage could run", code="deadline_exceeded")
    elif recovered >= settings.BEACON_MAX_STAGE_RECOVERIES:
        error = StageError(
            f"the {stage} stage was recovered {recovered} times and never finished", code="recovery_exhausted"
        )
    else:
        return False
    job_fail_by_id(job_id=str(job_id), stage=stage, error=error, attempts=recovered + 1)
    return True


def jobs_sweep_unstarted(*, older_than_seconds: int | None = None) -> int:
    """Re-publish due stages whose message went unanswered; returns how many."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds or settings.BEACON_SWEEP_AFTER_SECONDS)
    waiting = (
        Job.objects.filter(lease_expires_at__isnull=True, published_at__lt=cutoff, stage__in=list(STAGE_TASKS))
        .values_list("id", "stage", "published_at", "routing", "deadline_at", "priority")
        .order_by("published_at")[:BATCH]
    )
    lengths = queue_lengths(sorted({queue for _, queue in STAGE_TASKS.values()} | {"gpu"})) or {}
    count = 0
    for job_id, stage, published_at, routing, deadline_at, priority in waiting:
        queue = stage_queue(stage, routing)
        if lengths.get(queue):
            continue  # still working through its queue: the message may be waiting there
        if _give_up(job_id, stage, deadline_at, now):
            continue
        with transaction.atomic():
            taken = Job.objects.filter(
                id=job_id, stage=stage, published_at=published_at, lease_expires_at__isnull=True
            ).update(published_at=now)
            if not taken:
                continue
            JobEvent.objects.create(
                job_id=job_id, type=EventType.STAGE_REPUBLISHED, stage=stage, data={"reason": "sweep"}
            )
            message_send_on_commit(job_id=str(job_id), stage=stage, queue=queue_for(queue, priority))
        count += 1
    if count:
        logger.warning("sweeper re-published %d stage message(s)", count)
    return count


def stages_reap_expired() -> int:
    """Release stages whose lease expired and publish them again."""
    now = timezone.now()
    expired = Job.objects.filter(lease_expires_at__lt=now).values_list(
        "id", "stage", "lease_expires_at", "stage_attempt", "routing", "deadline_at", "priority"
    )[:BATCH]
    count = 0
    for job_id, stage, lease, attempt, routing, deadline_at, priority in expired:
        if stage not in STAGE_TASKS:
            continue
        if _give_up(job_id, stage, deadline_at, now):
            continue
        with transaction.atomic():
            taken = Job.objects.filter(id=job_id, stage=stage, lease_expires_at=lease).update(
                lease_expires_at=None, published_at=now
            )
            if not taken:
                continue
            JobEvent.objects.create(job_id=job_id, type=EventType.LEASE_EXPIRED, stage=stage, data={"attempt": attempt})
            queue = queue_for(stage_queue(stage, routing), priority)
            message_send_on_commit(job_id=str(job_id), stage=stage, queue=queue)
        count += 1
    if count:
        logger.warning("reaper released %d stage(s) with expired leases", count)
    return count


def idempotency_keys_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.BEACON_IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
