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
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal(0))
    latency_ms = models.PositiveIntegerField(default=0)
    # Why this deployment: the routing decision's tier and reasons.
    routing_reason = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "created_at"], name="modelcall_org_created")]

    def __str__(self) -> str:
        return f"{self.deployment} {self.outcome} ${self.cost_usd}"
