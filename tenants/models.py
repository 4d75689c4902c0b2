"""Organizations own projects and API keys; every API query is scoped to one."""

import uuid
from datetime import datetime

from django.db import models
from django.utils import timezone


class RateTier(models.TextChoices):
    """API requests per minute per organization (tenants/rate_limits.py)."""

    FREE = "free"  # 30/min
    STANDARD = "standard"  # 100/min
    PREMIUM = "premium"  # 1,000/min
    CUSTOM = "custom"  # rate_limit_per_minute


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    rate_tier = models.CharField(max_length=10, choices=RateTier.choices, default=RateTier.STANDARD)
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True, help_text="For the custom tier.")
    # Model spend per calendar month (UTC) in USD; empty means no limit of its own.
    monthly_budget_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="projects")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    # Signs webhooks sent to per-job `webhookUrl`s (Standard Webhooks, `whsec_`
    # + base64). After a rotation the previous secret signs too, until it expires.
    webhook_secret = models.CharField(max_length=100)
    previous_webhook_secret = models.CharField(max_length=100, blank=True)
    previous_webhook_secret_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="project_slug_unique_per_org")]

    def __str__(self) -> str:
        return f"{self.organization.slug}/{self.slug}"


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


# A role includes every role ranked below it.
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


class ApiKey(models.Model):
    """An API key. Only its SHA-256 is stored; the raw key is shown once.

    A plain SHA-256 is enough (no bcrypt): keys carry 256 bits of randomness,
    so there is nothing to brute-force, and the lookup stays one indexed query.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="api_keys")
    # The key's default project for jobs it submits; None means the org's first.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="api_keys")
    name = models.CharField(max_length=200, blank=True)
    prefix = models.CharField(max_length=16, db_index=True, help_text="Visible start of the key, for humans.")
    key_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    # A cap of the key's own, under its organization's; empty: the organization's limit.
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.role})"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]
