"""How a stage runs exactly once under at-least-once delivery.

A job row says which stage it is in or waits for (`stage`) and whether a worker
holds it (`lease_expires_at`). A message for stage S does work only when the
row says S is due: `stage == S`, no live lease, and the job not terminal
(deliver alone runs on terminal jobs). Anything else is a duplicate delivery
and does nothing.

Two shapes of stage:

* Inline stages (prepare, assemble, validate, decide, finalize) do their work
  inside one transaction holding the row lock. A worker that dies mid-stage
  rolls the transaction back; the duplicate that waited on the lock sees the
  stage already advanced and returns. The inline stages one task runs in a
  row (prepare -> assemble, validate -> decide -> finalize) share that
  transaction and that lock.
* Leased stages (generate, deliver) do slow network I/O that must not hold a
  lock or a connection. They claim the stage with a lease and a fencing token
  (`stage_attempt`) in one short transaction, do the call with no connection
  held, and complete in a second transaction that checks the token. A worker
  killed mid-call leaves an expired lease that the reaper hands to another.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.correlation import correlation_id, log_context_bind
from common.immutable import immutable_cached
from jobs.models import DeadLetter, EventType, Job, Stage
from jobs.services.events import event_record, job_transition
from jobs.services.publishing import stage_publish_on_commit
from jobs.services.webhooks import webhooks_wanted
from prompts.models import TemplateVersion
from validation.models import SchemaVersion

logger = logging.getLogger(__name__)

T = TypeVar("T")


class StageError(Exception):
    """A stage failed. `permanent` errors fail the job at once; the others are
    retried by the stage task with backoff and dead-letter the job when spent."""

    permanent = True
    code = "stage_failed"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details


class TransientStageError(StageError):
    permanent = False
    code = "transient_error"


def stage_is_due(job: Job, stage: str, now: Any = None) -> bool:
    if job.stage != stage:
        return False
    if job.is_terminal and stage != Stage.DELIVER:
        return False
    return job.lease_expires_at is None or job.lease_expires_at <= (now or timezone.now())


def _job_read(job_id: str, *, lock: bool) -> Job | None:
    """The job with its payload in one query (most stages read it), and its
    template and schema versions from the process's cache of immutable
    versions: stages read only their content, and joining them cost every
    stage's statement a third of its compilation. No ordering: one row."""
    jobs = Job.objects.select_for_update(of=("self",)) if lock else Job.objects
    job = next(iter(jobs.select_related("payload").filter(pk=job_id).order_by()[:1]), None)
    if job is not None:
        if job.prompt_version_id:
            job.prompt_version = immutable_cached(TemplateVersion, job.prompt_version_id)
        if job.output_schema_version_id:
            job.output_schema_version = immutable_cached(SchemaVersion, job.output_schema_version_id)
    return job


def _lock(job_id: str) -> Job | None:
    # Only the job row is locked: it is the one every stage and the reaper contend on.
    job = _job_read(job_id, lock=True)
    if job is not None:
        log_context_bind(job_id=job.id, org=job.organization_id)
        if job.correlation_id:
            # The request that made the job, also for a message the sweeper republished.
            correlation_id.set(job.correlation_id)
    return job


def stage_set(*, job: Job, stage: str, publish: bool = True) -> None:
    """The one writer of `job.stage` (a test holds every other module to it):
    `stage` becomes due, any lease ends, and its message goes out once the
    caller's transaction commits (not when the caller runs that stage itself
    before committing). The caller saves the job."""
    job.stage = stage
    job.lease_expires_at = None
    if publish:
        stage_publish_on_commit(job=job, stage=stage)


def stage_handover(*, job: Job, stage: str, next_stage: str, started: float, publish: bool = True) -> None:
    """Record the finished stage and make `next_stage` due (caller saves)."""
    job.stage_latency_ms = {**job.stage_latency_ms, stage: int((time.monotonic() - started) * 1000)}
    stage_set(job=job, stage=next_stage, publish=publish)


def terminal_stage(job: Job) -> str:
    """Where a job goes once terminal: delivery when someone listens, else done."""
    return Stage.DELIVER if webhooks_wanted(job) else Stage.DONE


Work = Callable[[Job], str]


def inline_stage_run(
    *, job_id: str, stage: str, work: Work, follow: Callable[[Job, str], Work | None] | None = None
) -> bool:
    """Run an inline stage; `work` mutates the locked job and returns the next stage.

    `follow(job, next_stage)` may give the next stage's work, which then runs
    at once on the same locked job, in the same transaction (chained stages,
    jobs/services/publishing.py), and so on: one lock, one save and one commit
    for them all. A permanent error fails the job at the stage that raised
    it, keeping the stages before; any other error rolls them all back and
    the task retries, or dead-letters the job, at its own stage.

    Returns False when the message was a duplicate and nothing ran.
    """
    started = time.monotonic()
    with transaction.atomic():
        job = _lock(job_id)
        if job is None or not stage_is_due(job, stage):
            logger.info("stage %s for job %s not due; duplicate delivery ignored", stage, job_id)
            return False
        while True:
            next_stage = _stage_work(job=job, stage=stage, work=work, attempts=1)
            if next_stage is None:
                break
            following = follow(job, next_stage) if follow is not None else None
            stage_handover(job=job, stage=stage, next_stage=next_stage, started=started, publish=following is None)
            if following is None:
                break
            stage, work, started = next_stage, following, time.monotonic()
            log_context_bind(stage=stage)  # its log lines name their own stage
            logger.info("stage %s of job %s runs in the same transaction as the one before", stage, job_id)
        job.save()
    return True


def stage_assess_unlocked(*, job_id: str, stage: str, assess: Callable[[Job], T]) -> T | None:
    """Run an inline stage's slow, write-free part (a remote content-policy
    call) before its lock: on a plain read of the job, in no transaction.
    None when the stage is not due (the locked run will say so again). The
    locked work uses the result only if what it assessed is unchanged."""
    job = _job_read(job_id, lock=False)
    if job is None or not stage_is_due(job, stage):
        return None
    return assess(job)


def _stage_work(*, job: Job, stage: str, work: Work, attempts: int) -> str | None:
    """Run a stage's work on the locked job: the next stage, or None when a
    permanent error failed the job. Transient errors propagate."""
    try:
        return work(job)
    except StageError as exc:
        if not exc.permanent:
            raise
        job_fail(job=job, stage=stage, error=exc, attempts=attempts)
        return None


@dataclass(frozen=True)
class Claim:
    job: Job
    token: int


def stage_claim(*, job_id: str, stage: str, lease_seconds: int, on_claim: Callable[[Job], None]) -> Claim | None:
    """Take a leased stage; None when it is not due (duplicate or in flight)."""
    with transaction.atomic():
        job = _lock(job_id)
        now = timezone.now()
        if job is None or not stage_is_due(job, stage, now):
            logger.info("stage %s for job %s not due; duplicate delivery ignored", stage, job_id)
            return None
        reclaimed = job.stage_attempt > 0 and job.lease_expires_at is not None
        job.stage_attempt += 1
        job.lease_expires_at = now + timedelta(seconds=lease_seconds)
        if reclaimed:
            event_record(job=job, type=EventType.STAGE_RECLAIMED, data={"attempt": job.stage_attempt})
        on_claim(job)
        job.save()
        return Claim(job=job, token=job.stage_attempt)


def stage_complete(*, claim: Claim, stage: str, work: Work, started: float) -> bool:
    """Finish a leased stage if this worker still holds it (fencing token)."""
    with transaction.atomic():
        job = _lock(str(claim.job.id))
        if job is None or job.stage != stage or job.stage_attempt != claim.token:
            logger.info("stage %s of job %s was taken over or cancelled; result discarded", stage, claim.job.id)
            return False
        if job.is_terminal and stage != Stage.DELIVER:
            return False
        next_stage = _stage_work(job=job, stage=stage, work=work, attempts=job.stage_attempt)
        if next_stage is not None:
            stage_handover(job=job, stage=stage, next_stage=next_stage, started=started)
        job.save()
    return True


def stage_release(*, claim: Claim, stage: str, error: StageError, cost_usd: Decimal = Decimal(0)) -> None:
    """Give a leased stage back after a transient failure, for the retry to claim.
    `cost_usd` is what the failed attempts cost (a job's cost counts them all)."""
    with transaction.atomic():
        job = _lock(str(claim.job.id))
        if job is None or job.stage != stage or job.stage_attempt != claim.token:
            return
        job.lease_expires_at = None
        # The retry is already scheduled by the task; the sweeper only steps in
        # if that message is lost, so push its clock to after the backoff.
        job.published_at = timezone.now() + timedelta(seconds=settings.BEACON_RETRY_BACKOFF_MAX)
        job.cost_usd += cost_usd
        data = {"attempt": job.stage_attempt, "error": error.code, "costUsd": str(cost_usd)}
        event_record(job=job, type=EventType.STAGE_RETRY, data=data)
        job.save(update_fields=["lease_expires_at", "published_at", "cost_usd", "updated_at"])


def stage_defer(*, claim: Claim, stage: str, seconds: int, event: EventType, data: dict[str, Any]) -> None:
    """Put a leased stage back to wait `seconds` without failing it (a budget
    hold): no message is sent now; the sweeper publishes it when the wait ends."""
    with transaction.atomic():
        job = _lock(str(claim.job.id))
        if job is None or job.stage != stage or job.stage_attempt != claim.token:
            return
        job.lease_expires_at = None
        if stage == Stage.GENERATE and job.generation_count:
            job.generation_count -= 1  # a deferral is not a generation
        wake = timezone.now() + timedelta(seconds=seconds)
        job.published_at = wake - timedelta(seconds=settings.BEACON_SWEEP_AFTER_SECONDS)
        event_record(job=job, type=event, data={**data, "retryAt": wake.isoformat()})
        job.save(update_fields=["lease_expires_at", "published_at", "generation_count", "updated_at"])


def job_fail(*, job: Job, stage: str, error: StageError | Exception, attempts: int) -> None:
    """Fail a locked job and dead-letter it (caller saves). No input is recorded."""
    if job.is_terminal:
        return
    permanent = getattr(error, "permanent", False)
    code = getattr(error, "code", "internal_error")
    # Beacon's own message for its own errors; for anything else only the
    # class name, since an arbitrary exception text may quote job content.
    message = error.message if isinstance(error, StageError) else f"unexpected {type(error).__name__}"
    job.error = {"code": code, "message": message, "stage": stage}
    job.finished_at = timezone.now()
    job_transition(job=job, name="fail", data={"stage": stage, "error": code, "attempts": attempts}, save=False)
    DeadLetter.objects.create(
        job=job,
        stage=stage,
        error_class=type(error).__name__,
        error_code=code,
        message=message[:500],
        attempts=attempts,
        permanent=permanent,
    )
    event_record(job=job, type=EventType.DEAD_LETTERED, data={"stage": stage, "error": code, "permanent": permanent})
    stage_set(job=job, stage=terminal_stage(job))


def job_fail_by_id(*, job_id: str, stage: str, error: Exception, attempts: int) -> None:
    """Dead-letter a job whose stage task gave up (retries spent or a bug)."""
    with transaction.atomic():
        job = _lock(job_id)
        if job is None:
            return
        if job.stage != stage:
            return
        if job.is_terminal:
            if stage == Stage.DELIVER:
                event_record(job=job, type=EventType.WEBHOOK_FAILED, data={"attempts": attempts})
                stage_set(job=job, stage=Stage.DONE)
                job.save()
            return
        job_fail(job=job, stage=stage, error=error, attempts=attempts)
        job.save()


def job_mark_started(job: Job) -> None:
    if job.started_at is None:
        job.started_at = timezone.now()
