"""A ReviewTask is a person's turn with a job the decide stage held back.

The job itself waits in `reviewing` (stage `review`); the task carries what a
reviewer needs to decide quickly and what the decision was. Decisions are
services (review.services): a claim is an atomic update, so two reviewers
never hold the same task.
"""

import uuid

from django.conf import settings
from django.db import models

from jobs.models import Job


class ReviewStatus(models.TextChoices):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"
    # The job left review without a decision (cancelled, or an evaluation
    # job scored and cleared): off the queue, kept for the record.
    WITHDRAWN = "withdrawn"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved"
    EDITED = "edited"
    REJECTED = "rejected"


class RejectReason(models.TextChoices):
    INACCURATE = "inaccurate", "Inaccurate or ungrounded"
    UNSAFE = "unsafe", "Unsafe or against policy"
    INJECTION = "injection", "Followed injected instructions"
    OFF_TASK = "off_task", "Off task or unusable"
    LANGUAGE = "language", "Wrong language or tone"
    OTHER = "other", "Other"


class ReviewTask(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="review_task")
    # Copied from the job so the queue filters without joins.
    task_kind = models.CharField(max_length=64)
    customer_tier = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    priority = models.PositiveSmallIntegerField(default=1)  # higher first
    risk_score = models.FloatField()
    reasons = models.JSONField(default=list)  # [{"reason": ..., "weight": ..., ...}]
    reason_codes = models.JSONField(default=list)  # ["off_task", ...], for filtering
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_tasks"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices, blank=True)
    reject_reason = models.CharField(max_length=32, choices=RejectReason.choices, blank=True)
    note = models.TextField(blank=True)
    model_output = models.JSONField(null=True, blank=True)  # what the model produced
    final_output = models.JSONField(null=True, blank=True)  # what was delivered (after an edit)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_decisions"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-priority", "due_at"]
        indexes = [models.Index(fields=["status", "-priority", "due_at"], name="review_queue_idx")]
        permissions = [("decide_reviewtask", "Can approve, edit and reject review tasks")]

    def __str__(self) -> str:
        return f"review of {self.task_kind} job {self.job_id}"
