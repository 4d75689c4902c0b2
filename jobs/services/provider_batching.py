"""A generation that waits for a provider's batch API (llm/provider_batches.py).

When routing chose a deployment's batch API for a job (its deadline is far
enough away), the generate stage does not call the model: it stores the call
as a batch request and puts the stage back to wait (`stage_defer`) until the
time it must go online instead: LLM_PROVIDER_BATCH_FALLBACK_SECONDS before
the job's deadline. The provider's answer wakes it earlier (`jobs_wake`, on
the `requests_settled` signal); the stage then finds its request answered
and goes on to validate with that answer, or failed (an error line, an
expired batch) and calls the online route at once. Nothing waits past the
fallback time: a request still unanswered then is abandoned (its late answer
is ignored) and the online route takes the job.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.queues import queue_for
from jobs.models import EventType, Job, Stage
from jobs.services.publishing import message_send_on_commit, stage_queue
from llm.gateway import Completion, ModelRequest
from llm.models import ProviderBatchRequest
from llm.provider_batches import batch_completion, batch_request_abandon, batch_request_enqueue, batch_request_of
from llm.registry import registry

logger = logging.getLogger(__name__)

Status = ProviderBatchRequest.Status


@dataclass(frozen=True)
class BatchStep:
    """What the generate stage does next: use `completion`, wait
    `wait_seconds`, or (neither) call the online route. `event` and `data`
    record which, in the job's history."""

    event: EventType
    data: dict[str, Any] = field(default_factory=dict)
    completion: Completion | None = None
    wait_seconds: int | None = None


def _custom_id(job: Job) -> str:
    # One request per generation: a remediation round asks anew.
    return f"{job.id}:{job.generation_count}"


def provider_batch_step(*, job: Job, request: ModelRequest, deployment_name: str) -> BatchStep:
    now = timezone.now()
    fallback_at = (
        job.deadline_at - timedelta(seconds=settings.LLM_PROVIDER_BATCH_FALLBACK_SECONDS) if job.deadline_at else now
    )
    custom_id = _custom_id(job)

    def online(reason: str) -> BatchStep:
        return BatchStep(
            event=EventType.PROVIDER_BATCH_FALLBACK, data={"deployment": deployment_name, "reason": reason}
        )

    def wait(event: EventType) -> BatchStep:
        seconds = max(1, int((fallback_at - now).total_seconds()))
        data = {"deployment": deployment_name, "fallbackAt": fallback_at.isoformat()}
        return BatchStep(event=event, data=data, wait_seconds=seconds)

    for _ in range(2):  # a second look only when the request settled while abandoning it
        row = batch_request_of(custom_id)
        if row is None:
            if fallback_at <= now:
                return online("deadline_near")
            try:
                deployment = registry().get(deployment_name)
            except KeyError:
                return online("deployment_removed")
            batch_request_enqueue(
                organization_id=job.organization_id,
                job_id=job.id,
                custom_id=custom_id,
                deployment=deployment,
                request=request,
            )
            return wait(EventType.PROVIDER_BATCH_QUEUED)
        if row.status == Status.COMPLETED:
            try:
                completion = batch_completion(row)
            except KeyError:
                return online("deployment_removed")
            return BatchStep(
                event=EventType.PROVIDER_BATCH_ANSWERED,
                data={"deployment": deployment_name, "batch": str(row.batch_id)},
                completion=completion,
            )
        if row.status in (Status.FAILED, Status.ABANDONED):
            return online(row.error_code or row.status)
        if now < fallback_at:
            return wait(EventType.PROVIDER_BATCH_WAITING)
        if batch_request_abandon(custom_id=custom_id):
            return online("deadline_near")
    return online("unsettled")


def jobs_wake(*, job_ids: list[str]) -> int:
    """Send the generate stage of jobs waiting on a settled batch request now,
    rather than at their fallback time. A job no longer waiting (cancelled,
    already woken) is left alone; a duplicate message is a no-op anyway."""
    now = timezone.now()
    woken = 0
    waiting = Job.objects.filter(id__in=job_ids, stage=Stage.GENERATE, lease_expires_at__isnull=True).values_list(
        "id", "routing", "priority", "published_at"
    )
    for job_id, routing, priority, published_at in waiting:
        with transaction.atomic():
            taken = Job.objects.filter(
                id=job_id, stage=Stage.GENERATE, lease_expires_at__isnull=True, published_at=published_at
            ).update(published_at=now)
            if not taken:
                continue
            queue = queue_for(stage_queue(Stage.GENERATE, routing), priority)
            message_send_on_commit(job_id=str(job_id), stage=Stage.GENERATE, queue=queue)
        woken += 1
    return woken


def on_requests_settled(sender: Any, *, job_ids: list[str], **kwargs: Any) -> None:
    woken = jobs_wake(job_ids=job_ids)
    logger.info("%d job(s) woken by settled provider batch requests", woken)
