"""Celery tasks: thin. Each takes a job id and calls one service.

Retries: transient failures (TransientStageError, a database or broker that
blipped) are retried with exponential backoff and full jitter; when retries
run out, or on any other exception, `on_failure` dead-letters the job.
Permanent failures never reach here: the services fail the job themselves.
"""

import logging
from typing import Any

import redis
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from common.correlation import log_context_bind
from common.queues import HIGH_SUFFIX
from jobs.services import batches, cold_tier, pipeline, recovery, retention, tiers, trash, webhooks
from jobs.services.publishing import stage_message_send, stages_chained
from jobs.services.stages import TransientStageError, job_fail_by_id
from jobs.stage_table import STAGE_TABLE, StageSpec

logger = logging.getLogger(__name__)

# A soft time limit is a slow dependency, not a broken job: retry it too. A
# stage that hit it may still hold its lease; the reaper frees it if so.
TRANSIENT_ERRORS = (TransientStageError, OperationalError, InterfaceError, SoftTimeLimitExceeded)
# The database or the broker out of reach for longer than the retries last
# (a failover, a partitioned host): nothing is wrong with the job. Its row
# still says the stage is due, so the sweeper sends the stage again once
# they are back (BEACON_MAX_STAGE_RECOVERIES bounds that); failing it would
# dead-letter a good job and, for the deliver stage, drop its webhook
# (found by bench/chaos_hosts.py, a 30 s partition).
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, redis.ConnectionError)


class StageTask(Task):
    """Base for stage tasks: retry policy plus dead-lettering on final failure."""

    abstract = True
    stage: str = ""
    autoretry_for = TRANSIENT_ERRORS
    max_retries = settings.BEACON_STAGE_MAX_RETRIES
    retry_backoff = 2
    retry_backoff_max = settings.BEACON_RETRY_BACKOFF_MAX
    retry_jitter = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        log_context_bind(job_id=args[0] if args else kwargs.get("job_id"), stage=self.stage)
        return super().__call__(*args, **kwargs)

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        job_id = args[0] if args else kwargs.get("job_id")
        if isinstance(exc, INFRASTRUCTURE_ERRORS):
            logger.error(
                "stage %s of job %s: database or broker out of reach after %d retries (%s); left due for the sweeper",
                self.stage,
                job_id,
                self.request.retries,
                type(exc).__name__,
            )
            return
        logger.error(
            "stage %s of job %s gave up after %d retries: %s",
            self.stage,
            job_id,
            self.request.retries,
            type(exc).__name__,
        )
        if job_id:
            job_fail_by_id(job_id=job_id, stage=self.stage, error=exc, attempts=self.request.retries + 1)


RUNNERS = {spec.stage: getattr(pipeline, spec.runner) for spec in STAGE_TABLE}
# At most this many stages run after a task's own (validate -> decide -> finalize).
MAX_CHAINED = 3


def _stage_task(spec: StageSpec) -> Any:
    """The Celery task of one row of the stage table: load by id, run the
    stage, then any inline stages it made due on this queue
    (jobs/services/publishing.py, chained stages)."""
    runner = RUNNERS[spec.stage]

    def run(self: StageTask, job_id: str) -> None:
        with stages_chained(queue=spec.queue) as chain:
            runner(job_id=job_id)
            for _ in range(MAX_CHAINED):
                if not chain.due:
                    break
                stage = chain.due.pop(0)
                log_context_bind(job_id=job_id, stage=stage)  # its log lines name their own stage
                try:
                    RUNNERS[stage](job_id=job_id)
                except Exception:
                    # Its own task takes over: retries, then the dead letter.
                    logger.warning("chained stage %s of job %s failed; sent as a message", stage, job_id)
                    chain.due.insert(0, stage)
                    break
                # In place of Celery's line for a task that succeeded.
                logger.info("stage %s of job %s ran, chained in the same task", stage, job_id)
        # Left over (a chained stage failed, or the chain was long): sent at
        # the priority the job's message came with.
        arrived_on = str((self.request.delivery_info or {}).get("routing_key") or "")
        priority = "high" if arrived_on.endswith(HIGH_SUFFIX) else "normal"
        for stage in chain.due:
            stage_message_send(job_id=job_id, stage=stage, priority=priority)
        log_context_bind(job_id=job_id, stage=spec.stage)  # Celery's own line is the task's

    run.__name__ = run.__qualname__ = f"stage_{spec.stage}"
    # Rows without limits take the Celery settings' (task_soft_time_limit).
    limits: dict[str, Any] = {"soft_time_limit": spec.soft_time_limit, "time_limit": spec.time_limit}
    options: dict[str, Any] = {name: value for name, value in limits.items() if value is not None}
    return shared_task(base=StageTask, bind=True, name=spec.task, stage=spec.stage, **options)(run)


# One task per stage, from the table (jobs/stage_table.py).
STAGE_TASKS = {spec.stage: _stage_task(spec) for spec in STAGE_TABLE}


# An attempt that fails is recorded and rescheduled by the service itself (the
# schedule lives in the database); a crash mid-attempt is freed by beat.
@shared_task(name="jobs.webhook_attempt", acks_late=True)
def webhook_attempt(delivery_id: int) -> None:
    webhooks.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="jobs.webhooks_dispatch_due")
def webhooks_dispatch_due() -> int:
    return webhooks.deliveries_dispatch_due()


@shared_task(name="jobs.sweep_unstarted")
def sweep_unstarted() -> int:
    return recovery.jobs_sweep_unstarted()


@shared_task(name="jobs.reap_expired")
def reap_expired() -> int:
    return recovery.stages_reap_expired()


@shared_task(name="jobs.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return recovery.idempotency_keys_purge()


@shared_task(name="jobs.purge_payloads")
def purge_payloads() -> int:
    return retention.payloads_purge()


@shared_task(name="jobs.purge_webhook_payloads")
def purge_webhook_payloads() -> int:
    return retention.webhook_payloads_purge()


@shared_task(name="jobs.purge_results")
def purge_results() -> int:
    return retention.results_purge()


@shared_task(name="jobs.tiers_move_warm")
def tiers_move_warm() -> int:
    return tiers.jobs_move_warm()


@shared_task(name="jobs.tiers_move_cold")
def tiers_move_cold() -> int:
    return cold_tier.jobs_move_cold()


@shared_task(name="jobs.trash_purge")
def trash_purge() -> dict[str, int]:
    return trash.trash_purge()


@shared_task(name="jobs.purge_events")
def purge_events() -> int:
    return retention.events_purge()


@shared_task(name="jobs.purge_model_calls")
def purge_model_calls() -> int:
    return retention.model_calls_purge()


@shared_task(name="jobs.batch_dispatch", acks_late=True)
def batch_dispatch(batch_id: str) -> int:
    return batches.batch_dispatch(batch_id=batch_id)


@shared_task(name="jobs.batches_settle")
def batches_settle() -> int:
    return batches.batches_settle()
