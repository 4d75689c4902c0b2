"""Jobs, their append-only event log, results, encrypted payloads, dead letters.

Status changes only through the django-fsm transitions below (the field is
protected), and the transitions themselves do no I/O: the services in
`jobs/services/` wrap each one with the row lock, the save and the JobEvent
in a single transaction.
"""

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import models
from django_fsm import FSMField, transition

from common.soft_delete import SoftDeletable
from tenants.models import ApiKey, Organization, Project


class Status(models.TextChoices):
    QUEUED = "queued"
    PREPARING = "preparing"
    ASSEMBLING = "assembling"
    GENERATING = "generating"
    VALIDATING = "validating"
    REVIEWING = "reviewing"
    COMPLETED = "completed"
    REJECTED = "rejected"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL_STATUSES = frozenset({Status.COMPLETED, Status.REJECTED, Status.FAILED, Status.CANCELLED})
NON_TERMINAL_STATUSES = [s.value for s in Status if s not in TERMINAL_STATUSES]


class Stage(models.TextChoices):
    """The stage a job is in or waiting for. `review` and `done` run no task."""

    PREPARE = "prepare"
    ASSEMBLE = "assemble"
    GENERATE = "generate"
    VALIDATE = "validate"
    DECIDE = "decide"
    FINALIZE = "finalize"
    DELIVER = "deliver"
    REVIEW = "review"
    DONE = "done"


class Priority(models.TextChoices):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class BatchStatus(models.TextChoices):
    VALIDATING = "validating"  # lines are being read and checked
    IN_PROGRESS = "in_progress"
    FINALIZING = "finalizing"  # every job ended; the batch webhook is being written
    COMPLETED = "completed"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # its window ended; jobs not started were cancelled
    FAILED = "failed"  # no line was accepted


BATCH_TERMINAL = frozenset({BatchStatus.COMPLETED, BatchStatus.CANCELLED, BatchStatus.EXPIRED, BatchStatus.FAILED})


class Batch(models.Model):
    """Many generation requests submitted as one file (jobs/services/batches.py).

    Each accepted line is an ordinary Job pointing here with its `custom_id`;
    lines that failed validation are kept in `line_errors`. Counts are read
    from the jobs, so they are never out of step with them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="batches")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="batches")
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="batches")
    status = models.CharField(max_length=12, choices=BatchStatus.choices, default=BatchStatus.VALIDATING)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    webhook_url = models.URLField(max_length=2000, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    total_lines = models.PositiveIntegerField(default=0)
    # The upload's Idempotency-Key and a digest of its lines: the same key
    # with the same lines answers with this batch, never a second one.
    idempotency_key = models.CharField(max_length=255, blank=True)
    lines_sha256 = models.CharField(max_length=64, blank=True)
    # [{"line", "customId", "error": {code, message, details}}], in line order.
    line_errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    in_progress_at = models.DateTimeField(null=True, blank=True)
    cancelling_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="batch_org_created"),
            models.Index(
                fields=["status"], name="batch_open", condition=models.Q(status__in=["in_progress", "cancelling"])
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"],
                name="batch_idempotency_key_unique_per_org",
                condition=~models.Q(idempotency_key=""),
            ),
        ]

    def __str__(self) -> str:
        return f"batch {self.id} ({self.status})"


class Job(SoftDeletable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="jobs")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="jobs")
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    # A job from a batch line: the batch, the line (1-based) and the producer's id for it.
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs")
    batch_line = models.PositiveIntegerField(null=True, blank=True)
    custom_id = models.CharField(max_length=200, blank=True)

    task_kind = models.CharField(max_length=64)
    template_version = models.CharField(max_length=32)
    # The prompt version the job renders, and the label (and so the A/B arm)
    # that chose it; empty when the request pinned a version.
    prompt_version = models.ForeignKey(
        "prompts.TemplateVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="jobs"
    )
    prompt_label = models.CharField(max_length=64, blank=True)
    # The output schema version (with its rules and quality checks) the job is validated against.
    output_schema_version = models.ForeignKey(
        "validation.SchemaVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="jobs"
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    # `options` of the request (mode, maxTokens, temperature): never content.
    options = models.JSONField(default=dict, blank=True)
    # A producer's own `outputSchema`, when it sent one instead of the kind's.
    output_schema = models.JSONField(null=True, blank=True)
    webhook_url = models.URLField(max_length=2000, blank=True)
    # Routing inputs that are not content: the producer's customer tier.
    customer_tier = models.CharField(max_length=16, default="standard")
    # No model call starts when too little time is left before this.
    deadline_at = models.DateTimeField(null=True, blank=True)
    # Legal hold: the raw input is kept past retention until the hold is lifted.
    legal_hold = models.BooleanField(default=False)
    # The region of the deployment that gave the job's last model answer.
    processed_region = models.CharField(max_length=40, blank=True)
    # When retention removes each part, fixed when the job ends from the
    # retention policies then in force (jobs/services/retention.py). Empty on
    # jobs that ended before policies existed (the settings' windows apply);
    # empty for events and model calls means they are kept.
    raw_purge_at = models.DateTimeField(null=True, blank=True, db_index=True)
    result_purge_at = models.DateTimeField(null=True, blank=True, db_index=True)
    webhook_payload_purge_at = models.DateTimeField(null=True, blank=True)
    events_purge_at = models.DateTimeField(null=True, blank=True, db_index=True)
    model_calls_purge_at = models.DateTimeField(null=True, blank=True)
    # hot: all in PostgreSQL; warm: result and events in object storage (JobArchive).
    storage_tier = models.CharField(max_length=8, default="hot", db_index=True)
    # Soft delete (deleted_at, from SoftDeletable): set when the trash's grace
    # period ended and the job's content was purged; the row stays, empty, so
    # usage and invoices still add up (jobs/services/trash.py).
    content_purged_at = models.DateTimeField(null=True, blank=True)
    # The last routing decision (why this deployment), as the gateway took it.
    routing = models.JSONField(null=True, blank=True)
    correlation_id = models.CharField(max_length=64, blank=True)

    status = FSMField(default=Status.QUEUED, choices=Status.choices, protected=True, db_index=True)
    # Which stage the job is in or waits for; with `lease_expires_at` it tells
    # a stage in flight (lease set) from one waiting for its message (lease null).
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PREPARE)
    # Fencing token: bumped on every claim, so a worker that lost its lease
    # cannot complete the stage behind the back of the one that took it over.
    stage_attempt = models.PositiveIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # When the current stage's message was last published (sweeper input).
    published_at = models.DateTimeField(null=True, blank=True)
    generation_count = models.PositiveSmallIntegerField(default=0)

    error = models.JSONField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    stage_latency_ms = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

        indexes = [
            models.Index(fields=["organization", "-created_at"], name="job_org_created"),
            # The sweeper and the reaper look only at jobs still moving.
            models.Index(
                fields=["stage", "published_at"],
                name="job_waiting_stage",
                condition=models.Q(lease_expires_at__isnull=True) & ~models.Q(stage__in=["review", "done"]),
            ),
            models.Index(
                fields=["lease_expires_at"], name="job_lease", condition=models.Q(lease_expires_at__isnull=False)
            ),
            models.Index(
                fields=["batch", "batch_line"], name="job_batch_line", condition=models.Q(batch__isnull=False)
            ),
        ]
        constraints = [
            # A re-uploaded line never makes a second job.
            models.UniqueConstraint(
                fields=["batch", "custom_id"],
                name="job_custom_id_unique_per_batch",
                condition=models.Q(batch__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_kind} {self.id} ({self.status})"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    # --- transitions: no I/O here; services save and write the event ---------
    @transition(field=status, source=Status.QUEUED, target=Status.PREPARING)
    def start_preparing(self) -> None:
        pass

    @transition(field=status, source=Status.PREPARING, target=Status.ASSEMBLING)
    def start_assembling(self) -> None:
        pass

    # From validating: remediation sends the job back with the errors as feedback.
    @transition(field=status, source=[Status.ASSEMBLING, Status.VALIDATING], target=Status.GENERATING)
    def start_generating(self) -> None:
        pass

    @transition(field=status, source=Status.GENERATING, target=Status.VALIDATING)
    def start_validating(self) -> None:
        pass

    @transition(field=status, source=Status.VALIDATING, target=Status.REVIEWING)
    def send_to_review(self) -> None:
        pass

    @transition(field=status, source=[Status.VALIDATING, Status.REVIEWING], target=Status.COMPLETED)
    def complete(self) -> None:
        pass

    @transition(field=status, source=Status.REVIEWING, target=Status.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=NON_TERMINAL_STATUSES, target=Status.FAILED)
    def fail(self) -> None:
        pass

    @transition(field=status, source=NON_TERMINAL_STATUSES, target=Status.CANCELLED)
    def cancel(self) -> None:
        pass

    # An operator's re-drive of a dead letter: the one way out of `failed`.
    @transition(field=status, source=Status.FAILED, target=Status.QUEUED)
    def redrive(self) -> None:
        pass


class EventType(StrEnum):
    """Every kind of JobEvent. Stored as its string value; the history of a
    job (and what metrics count) reads these, so a new kind is added here."""

    SUBMITTED = "submitted"
    STATUS_CHANGED = "status_changed"
    PII_REDACTED = "pii_redacted"
    INJECTION_SCAN = "injection_scan"
    INJECTION_SANITIZED = "injection_sanitized"
    CONTENT_POLICY = "content_policy"
    CONTENT_POLICY_UNAVAILABLE = "content_policy_unavailable"
    OUTPUT_SCAN = "output_scan"
    BUDGET_DEGRADED = "budget_degraded"
    BUDGET_DEFERRED = "budget_deferred"
    MODEL_CALLED = "model_called"
    MODEL_FALLBACK = "model_fallback"
    MODEL_FAILED = "model_failed"
    PROVIDER_BATCH_QUEUED = "provider_batch_queued"
    PROVIDER_BATCH_WAITING = "provider_batch_waiting"
    PROVIDER_BATCH_ANSWERED = "provider_batch_answered"
    PROVIDER_BATCH_FALLBACK = "provider_batch_fallback"
    REFUSAL = "refusal"
    REPAIR_REQUESTED = "repair_requested"
    REMEDIATION = "remediation"
    PARTIALLY_ACCEPTED = "partially_accepted"
    DECIDED = "decided"
    STAGE_RECLAIMED = "stage_reclaimed"
    STAGE_RETRY = "stage_retry"
    STAGE_REPUBLISHED = "stage_republished"
    LEASE_EXPIRED = "lease_expired"
    DEAD_LETTERED = "dead_lettered"
    REDRIVEN = "redriven"
    WEBHOOK_DELIVERED = "webhook_delivered"
    WEBHOOK_FAILED = "webhook_failed"
    REVIEW_CLAIMED = "review_claimed"
    REVIEW_RELEASED = "review_released"
    REVIEW_DECIDED = "review_decided"
    RESULT_PURGED = "result_purged"
    SUBJECT_ERASED = "subject_erased"


class JobEvent(models.Model):
    """Append-only history of a job. Rows are never updated or deleted.

    A database trigger (migration 0002) refuses UPDATE and DELETE, so the log
    stays complete even against code that tries.
    """

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=40)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    stage = models.CharField(max_length=16, blank=True)
    # Facts about the event (attempt, latency, error class). Never job content.
    data = models.JSONField(default=dict, blank=True)
    correlation_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"], name="jobevent_job_id")]

    def __str__(self) -> str:
        return f"{self.type} {self.from_status}->{self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("JobEvent rows are append-only")
        super().save(*args, **kwargs)


class JobPayload(models.Model):
    """The job's input and working data, encrypted at rest (Fernet).

    `raw` is the request's parameters as sent; `working` holds what stages
    hand to each other (rendered messages, model completions, feedback).
    """

    job = models.OneToOneField(Job, on_delete=models.CASCADE, primary_key=True, related_name="payload")
    raw = models.BinaryField()
    working = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when retention purged `raw` and `working` (the job row, its events
    # and its result stay; they hold no raw input).
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"payload of {self.job_id}"


class JobResult(SoftDeletable):
    job = models.OneToOneField(Job, on_delete=models.CASCADE, primary_key=True, related_name="result")
    output = models.JSONField(null=True, blank=True)
    validation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    purged_at = models.DateTimeField(null=True, blank=True)  # past retention (jobs/services/retention.py)

    def __str__(self) -> str:
        return f"result of {self.job_id}"


class IdempotencyRecord(models.Model):
    """An `Idempotency-Key` seen for an organization, and the job it created."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    job = models.ForeignKey(Job, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="idempotency_key_unique_per_org")]

    def __str__(self) -> str:
        return self.key


class DeadLetter(models.Model):
    """A failed job's record for operators. Holds no input and no PII:
    only the stage, the error class, Beacon's own message and counts."""

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="dead_letters")
    stage = models.CharField(max_length=16)
    error_class = models.CharField(max_length=200)
    error_code = models.CharField(max_length=64)
    message = models.CharField(max_length=500)
    attempts = models.PositiveIntegerField(default=0)
    permanent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    redriven_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"dead letter {self.id} ({self.stage}: {self.error_code})"


class WebhookEndpoint(SoftDeletable):
    """Where a project's job events are delivered, besides any per-job
    `webhookUrl`. Signed with its own secret; a rotation keeps the previous
    secret signing too until `previous_secret_expires_at`, so receivers can
    switch without losing a message."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    event_types = models.JSONField(default=list, blank=True)  # empty: every event type
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # an attempt is in flight (leased)
    DELIVERED = "delivered"
    GAVE_UP = "gave_up"  # the retry schedule ran out, or the receiver said 410
    FAILED = "failed"  # could never be sent (an address Beacon may not call)


class WebhookDelivery(models.Model):
    """One message to one URL, with every attempt. The message id and body
    stay the same across attempts and re-deliveries, so a receiver dedupes
    on `webhook-id`; the timestamp and signature are fresh each attempt."""

    id = models.BigAutoField(primary_key=True)
    # A job's delivery, or a batch's (`batch.completed` and the like): exactly one is set.
    job = models.ForeignKey(Job, on_delete=models.CASCADE, null=True, blank=True, related_name="webhook_deliveries")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, null=True, blank=True, related_name="webhook_deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )  # None: the job's own webhookUrl
    url = models.URLField(max_length=2000)
    message_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=40)
    payload = models.TextField()  # the exact body, so every attempt sends the same bytes
    payload_purged_at = models.DateTimeField(null=True, blank=True)  # emptied past retention
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    # [{"at", "statusCode", "latencyMs", "error", "response"}]; responses cut
    # short and with anything that looks like a secret masked.
    log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "url", "message_id"], name="delivery_unique_per_url"),
            models.UniqueConstraint(fields=["batch", "url", "message_id"], name="batch_delivery_unique_per_url"),
            models.CheckConstraint(
                condition=models.Q(job__isnull=False, batch__isnull=True)
                | models.Q(job__isnull=True, batch__isnull=False),
                name="delivery_for_job_or_batch",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.message_id} -> {self.url} ({self.status})"
