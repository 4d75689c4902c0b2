"""The cost ledger: one ModelCall row per attempt at a model, hits included."""

import uuid
from decimal import Decimal

from django.db import models

from tenants.models import Organization, Project


class ModelCall(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok"
        CACHED = "cached"
        ERROR = "error"
        BREAKER_OPEN = "breaker_open"
        TOO_LONG = "too_long"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="model_calls")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="model_calls")
    # Kept when a job is deleted: spend is history.
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="model_calls")
    task_kind = models.CharField(max_length=64)
    stage = models.CharField(max_length=16)
    deployment = models.CharField(max_length=100)
    model = models.CharField(max_length=200)
    tier = models.CharField(max_length=8)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error_code = models.CharField(max_length=64, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cached_tokens = models.PositiveIntegerField(default=0)
    cached = models.BooleanField(default=False)
    # Answered through the provider's batch API (priced at the batch rate).
    batched = models.BooleanField(default=False)
    region = models.CharField(max_length=40, blank=True)  # where the deployment runs
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal(0))
    latency_ms = models.PositiveIntegerField(default=0)
    # Why this deployment: the routing decision's tier and reasons.
    routing_reason = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "created_at"], name="modelcall_org_created")]

    def __str__(self) -> str:
        return f"{self.deployment} {self.outcome} ${self.cost_usd}"


class ProviderBatch(models.Model):
    """One batch submitted to a provider's batch API (llm/provider_batches.py)."""

    class Status(models.TextChoices):
        SUBMITTING = "submitting"  # rows claimed, the upload not yet acknowledged
        SUBMITTED = "submitted"  # the provider holds it; polled until it ends
        COMPLETED = "completed"
        FAILED = "failed"
        EXPIRED = "expired"
        CANCELLED = "cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    deployment = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTING)
    provider_batch_id = models.CharField(max_length=200, blank=True)
    input_file_id = models.CharField(max_length=200, blank=True)
    request_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "polled_at"], name="providerbatch_status_polled")]

    def __str__(self) -> str:
        return f"{self.deployment} {self.provider_batch_id or self.id} {self.status}"


class ProviderBatchRequest(models.Model):
    """One model call waiting for, or answered by, a provider batch.

    `custom_id` names the call (a job's id and generation) and is unique, so
    asking twice for the same generation finds the first request. The body
    holds the rendered messages as the online call would send them: prompts
    are stored PII-free, like every other copy of a prompt."""

    class Status(models.TextChoices):
        PENDING = "pending"  # collected, not yet in a batch
        SUBMITTED = "submitted"
        COMPLETED = "completed"
        FAILED = "failed"  # the provider had no answer for it: the caller goes online
        ABANDONED = "abandoned"  # the caller stopped waiting; a late answer is ignored

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    custom_id = models.CharField(max_length=100, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="provider_batch_requests")
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.CASCADE, null=True, blank=True, related_name="provider_batch_requests"
    )
    deployment = models.CharField(max_length=100)
    batch = models.ForeignKey(ProviderBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    body = models.JSONField()
    submit_attempts = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(blank=True)
    finish_reason = models.CharField(max_length=32, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cached_tokens = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["deployment", "status", "created_at"], name="pbrequest_collect")]

    def __str__(self) -> str:
        return f"{self.custom_id} {self.status}"
