"""Producer- and operator-driven changes: cancel, re-drive a dead letter."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from common.api import Conflict
from jobs.models import DeadLetter, EventType, Job, Stage, Status
from jobs.ports import review_port
from jobs.services.events import event_record, job_transition
from jobs.services.stages import stage_set, terminal_stage


def job_cancel(*, job_id: str, reason: str = "cancelled by producer") -> Job:
    """Cancel a job that is not terminal. A stage already running finishes its
    call, but its result is discarded at the boundary (its completion sees a
    terminal job) and no later stage runs."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        was_in_review = job.status == Status.REVIEWING
        if job.is_terminal:
            raise Conflict(f"The job is already {job.status} and cannot be cancelled.", code="invalid_state")
        job.finished_at = timezone.now()  # before the transition, whose event records it
        try:
            job_transition(job=job, name="cancel", save=False, data={"reason": reason, "stage": job.stage})
        except TransitionNotAllowed as exc:
            raise Conflict(f"The job is already {job.status} and cannot be cancelled.", code="invalid_state") from exc
        stage_set(job=job, stage=terminal_stage(job))
        job.save()
        if was_in_review:
            # Nobody should decide a job that no longer waits for a decision.
            review_port().withdraw(job_id=job.id, reason=reason)
    return job


def dead_letter_redrive(*, dead_letter_id: int) -> Job:
    """Send a dead-lettered job through the pipeline again from the start."""
    with transaction.atomic():
        dead_letter = DeadLetter.objects.select_for_update().get(pk=dead_letter_id)
        job = Job.objects.select_for_update().get(pk=dead_letter.job_id)
        if dead_letter.redriven_at is not None:
            raise Conflict("This dead letter was already re-driven.", code="invalid_state")
        # Retention empties the payload row rather than deleting it.
        if not hasattr(job, "payload") or job.payload.purged_at is not None or not job.payload.raw:
            raise Conflict("The job's input was purged; it cannot be re-driven.", code="input_purged")
        job_transition(job=job, name="redrive", save=False, data={"deadLetter": dead_letter.id})
        job.error = None
        job.finished_at = None
        job.generation_count = 0
        stage_set(job=job, stage=Stage.PREPARE)
        job.save()
        dead_letter.redriven_at = timezone.now()
        dead_letter.save(update_fields=["redriven_at"])
        event_record(job=job, type=EventType.REDRIVEN, data={"deadLetter": dead_letter.id})
    return job


def job_review_approved(*, job: Job) -> None:
    """A reviewer approved the job's output (as is or edited; the caller
    stored it): finalize completes the job (reviewing -> completed) and
    delivers it. Inside the caller's transaction, the job locked."""
    stage_set(job=job, stage=Stage.FINALIZE)
    job.save(update_fields=["stage", "lease_expires_at", "published_at", "updated_at"])


def job_review_rejected(*, job: Job, reason: str, data: dict[str, Any]) -> None:
    """A reviewer rejected the job's output: the job ends `rejected`."""
    job.finished_at = timezone.now()
    job.error = {
        "code": "rejected_in_review",
        "message": f"a reviewer rejected the output: {reason}",
        "stage": Stage.REVIEW,
    }
    job_transition(job=job, name="reject", save=False, data=data)
    stage_set(job=job, stage=terminal_stage(job))
    job.save()
