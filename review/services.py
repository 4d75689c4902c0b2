"""Review services: the only writers of ReviewTask, and the way a reviewer's
decision reaches the job.

A claim is one conditional UPDATE (`status=open` -> `claimed`), so when two
reviewers claim at once exactly one row changes and the other is told. An
approval (with or without an edit) puts the job back on the pipeline at
`finalize`, which completes and delivers it; a rejection moves it to
`rejected` and delivers that. Every decision is a JobEvent naming the
reviewer.
"""

import logging
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from jobs.models import EventType, Job, JobResult
from jobs.services.events import event_record
from jobs.services.job_settings import output_validator_of, task_kind_of
from jobs.services.lifecycle import job_review_approved, job_review_rejected
from jobs.state import job_state_load
from review.models import RejectReason, ReviewDecision, ReviewStatus, ReviewTask
from review.risk import RiskAssessment, review_due_in

logger = logging.getLogger(__name__)


class ReviewError(Exception):
    """A review action that cannot be done (taken by someone else, invalid edit)."""

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.details = details


def review_task_create(*, job: Job, assessment: RiskAssessment, output: Any) -> ReviewTask:
    """Called by the decide stage inside its transaction."""
    due_in, priority = review_due_in(job.task_kind, job.customer_tier)
    return ReviewTask.objects.create(
        job=job,
        task_kind=job.task_kind,
        customer_tier=job.customer_tier,
        priority=priority,
        risk_score=assessment.score,
        reasons=assessment.reasons,
        reason_codes=sorted({r["reason"] for r in assessment.reasons}),
        due_at=timezone.now() + due_in,
        model_output=output,
    )


def review_claim(*, task_id: Any, user: User) -> ReviewTask:
    claimed = ReviewTask.objects.filter(id=task_id, status=ReviewStatus.OPEN).update(
        status=ReviewStatus.CLAIMED, assignee=user, claimed_at=timezone.now()
    )
    task = ReviewTask.objects.select_related("assignee", "job").get(id=task_id)
    if not claimed and task.assignee_id != user.pk:
        holder = task.assignee.get_username() if task.assignee else "nobody"
        raise ReviewError(f"this task is {task.status} (held by {holder})")
    if claimed:
        event_record(
            job=task.job, type=EventType.REVIEW_CLAIMED, data={"reviewer": user.get_username(), "taskId": str(task.id)}
        )
    return task


def review_release(*, task_id: Any, user: User) -> None:
    released = ReviewTask.objects.filter(id=task_id, status=ReviewStatus.CLAIMED, assignee=user).update(
        status=ReviewStatus.OPEN, assignee=None, claimed_at=None
    )
    if not released:
        raise ReviewError("only the reviewer holding a task can release it")
    job = Job.objects.get(review_task__id=task_id)
    event_record(
        job=job, type=EventType.REVIEW_RELEASED, data={"reviewer": user.get_username(), "taskId": str(task_id)}
    )


def _held_task(task_id: Any, user: User) -> tuple[ReviewTask, Job]:
    """Lock the task and its job; the caller must hold the claim."""
    task = ReviewTask.objects.select_for_update().get(id=task_id)
    if task.status != ReviewStatus.CLAIMED or task.assignee_id != user.pk:
        raise ReviewError("claim the task before deciding it")
    job = Job.objects.select_for_update(of=("self",)).select_related("payload").get(id=task.job_id)
    if job.status != "reviewing":
        raise ReviewError(f"the job is {job.status}, not waiting for review")
    return task, job


def review_output_errors(*, job: Job, output: Any) -> list[dict[str, str]]:
    """An edited output checked against the job's output schema."""
    validator = output_validator_of(job, task_kind_of(job), job_state_load(job))
    return [
        {"path": "/".join(str(p) for p in error.absolute_path) or "$", "message": error.message}
        for error in validator.iter_errors(output)
    ]


def _finish(task: ReviewTask, user: User, decision: str, **fields: Any) -> None:
    now = timezone.now()
    task.status, task.decision, task.decided_by, task.decided_at = ReviewStatus.DONE, decision, user, now
    for name, value in fields.items():
        setattr(task, name, value)
    task.save()


def review_approve(*, task_id: Any, user: User, output: Any = None, note: str = "") -> ReviewTask:
    """Approve as is, or with `output` as the reviewer's edit (validated first)."""
    with transaction.atomic():
        task, job = _held_task(task_id, user)
        result = JobResult.objects.get(job=job)
        edited = output is not None and output != result.output
        if edited:
            errors = review_output_errors(job=job, output=output)
            if errors:
                raise ReviewError("the edit does not match the output schema", details=errors)
            result.output = output
            result.validation = {**(result.validation or {}), "editedByReviewer": True}
            result.save(update_fields=["output", "validation", "updated_at"])
        decision = ReviewDecision.EDITED if edited else ReviewDecision.APPROVED
        _finish(task, user, decision, final_output=result.output, note=note)
        event_record(
            job=job,
            type=EventType.REVIEW_DECIDED,
            data={"decision": decision, "reviewer": user.get_username(), "taskId": str(task.id), "edited": edited},
        )
        job_review_approved(job=job)
    return task


def review_reject(*, task_id: Any, user: User, reason: str, note: str = "") -> ReviewTask:
    if reason not in RejectReason.values:
        raise ReviewError(f"unknown reason {reason!r}; known: {', '.join(RejectReason.values)}")
    with transaction.atomic():
        task, job = _held_task(task_id, user)
        _finish(task, user, ReviewDecision.REJECTED, reject_reason=reason, note=note)
        job_review_rejected(
            job=job, reason=reason, data={"reviewer": user.get_username(), "reason": reason, "taskId": str(task.id)}
        )
    return task


def review_bulk_approve(*, task_ids: list[Any], user: User) -> int:
    """Approve audit-sample tasks (routed by sampling alone) in one go;
    anything riskier is skipped and needs its own look."""
    approved = 0
    for task in ReviewTask.objects.filter(id__in=task_ids, status=ReviewStatus.OPEN, reason_codes=["sampled"]):
        review_claim(task_id=task.id, user=user)
        review_approve(task_id=task.id, user=user, note="bulk approval of an audit sample")
        approved += 1
    return approved


def review_withdraw(*, job_id: Any, reason: str) -> int:
    """Take an undecided task off the queue (its job was cancelled)."""
    return ReviewTask.objects.filter(job_id=job_id, status__in=[ReviewStatus.OPEN, ReviewStatus.CLAIMED]).update(
        status=ReviewStatus.WITHDRAWN, note=reason, decided_at=timezone.now()
    )


def review_forget(*, job_ids: list[Any]) -> int:
    """Empty the tasks' copies of the model's and the delivered output (the
    job's content was purged: a deleted job past its grace period). The
    decision, reasons and reviewer stay, for the record."""
    return ReviewTask.objects.filter(job_id__in=job_ids).update(model_output=None, final_output=None, note="")


def review_escalate_overdue() -> int:
    """Beat: overdue tasks rise in priority and are announced (webhook and a
    log line) at most once per BEACON_REVIEW_ESCALATION_MINUTES each."""
    now = timezone.now()
    repeat = now - timedelta(minutes=settings.BEACON_REVIEW_ESCALATION_MINUTES)
    overdue = ReviewTask.objects.filter(status__in=[ReviewStatus.OPEN, ReviewStatus.CLAIMED], due_at__lt=now).filter(
        Q(escalated_at__isnull=True) | Q(escalated_at__lt=repeat)
    )
    tasks = list(overdue.values("id", "job_id", "task_kind", "customer_tier", "due_at", "escalations"))
    if not tasks:
        return 0
    ReviewTask.objects.filter(id__in=[t["id"] for t in tasks]).update(
        priority=F("priority") + 1, escalations=F("escalations") + 1, escalated_at=now
    )
    for task in tasks:
        logger.warning(
            "review task %s (job %s, %s, %s) is overdue since %s; escalation %d",
            task["id"],
            task["job_id"],
            task["task_kind"],
            task["customer_tier"],
            task["due_at"].isoformat(),
            task["escalations"] + 1,
        )
    if settings.BEACON_REVIEW_ESCALATION_WEBHOOK:
        body = {
            "type": "review.overdue",
            "tasks": [
                {
                    "taskId": str(t["id"]),
                    "jobId": str(t["job_id"]),
                    "taskKind": t["task_kind"],
                    "customerTier": t["customer_tier"],
                    "dueAt": t["due_at"].isoformat(),
                    "escalation": t["escalations"] + 1,
                }
                for t in tasks
            ],
        }
        try:
            httpx.post(settings.BEACON_REVIEW_ESCALATION_WEBHOOK, json=body, timeout=5).raise_for_status()
        except httpx.HTTPError as exc:
            # The log lines above still say it; the next beat tries again for new ones.
            logger.error("review escalation webhook failed: %s", type(exc).__name__)
    return len(tasks)
