"""Organizations own projects and API keys; every API query is scoped to one."""

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from common.soft_delete import SoftDeletable


class RateTier(models.TextChoices):
    """API requests per minute per organization (tenants/rate_limits.py)."""

    FREE = "free"  # 30/min
    STANDARD = "standard"  # 100/min
    PREMIUM = "premium"  # 1,000/min
    CUSTOM = "custom"  # rate_limit_per_minute


class CustomerTier(models.TextChoices):
    """What a job's customer tier may be; it sets review SLAs and routing.
    Ordered: a producer may ask for a tier below its project's, never above."""

    FREE = "free"
    STANDARD = "standard"
    PREMIUM = "premium"


CUSTOMER_TIER_RANK = {CustomerTier.FREE: 0, CustomerTier.STANDARD: 1, CustomerTier.PREMIUM: 2}


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    rate_tier = models.CharField(max_length=10, choices=RateTier.choices, default=RateTier.STANDARD)
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True, help_text="For the custom tier.")
    # Model spend per calendar month (UTC) in USD; empty means no limit of its own.
    monthly_budget_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # The highest customer tier its jobs run at (a project may set its own, lower or higher).
    customer_tier = models.CharField(max_length=10, choices=CustomerTier.choices, default=CustomerTier.STANDARD)
    # Data residency: the regions (deployments' `region` in llm/deployments.yaml)
    # its jobs' data may be sent to. Empty: any.
    allowed_regions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class Project(SoftDeletable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="projects")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    # Signs webhooks sent to per-job `webhookUrl`s (Standard Webhooks, `whsec_`
    # + base64). After a rotation the previous secret signs too, until it expires.
    webhook_secret = models.CharField(max_length=100)
    previous_webhook_secret = models.CharField(max_length=100, blank=True)
    previous_webhook_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Empty: the organization's tier.
    customer_tier = models.CharField(max_length=10, choices=CustomerTier.choices, blank=True)
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


class ApiKey(SoftDeletable):
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
    # May give the security approval that sensitive templates need (docs/api.md).
    security_reviewer = models.BooleanField(default=False)
    # A cap of the key's own, under its organization's; empty: the organization's limit.
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the key may touch (tenants/scopes.py); empty: every scope its role allows.
    scopes = models.JSONField(default=list, blank=True)
    # Limited to its project: reads and writes only that project's jobs.
    project_only = models.BooleanField(default=False)

    # Set per request by OAuth token authentication: the token's own scopes,
    # which narrow the key's. Never stored.
    token_scopes: "frozenset[str] | None" = None

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.role})"

    def granted_scopes(self) -> "frozenset[str] | None":
        """The scopes this request may use; None means all of them."""
        granted = frozenset(self.scopes) if self.scopes else None
        if self.token_scopes is not None:
            granted = self.token_scopes if granted is None else granted & self.token_scopes
        return granted

    def project_scope_id(self) -> uuid.UUID | None:
        """The project a project-limited key is held to; None: the whole organization."""
        if not self.project_only:
            return None
        assert self.project_id is not None, "API keys always carry a project"
        return self.project_id

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None or self.deleted_at is not None:
            return False
        if self.project is not None and self.project.deleted_at is not None:
            return False  # a key of a project in the trash works again if the project is restored
        return self.expires_at is None or self.expires_at > now

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class OAuthClient(models.Model):
    """A service's OAuth 2.0 client (client credentials, tenants/oauth.py):
    the toolkit's Application, and the credential its tokens act as."""

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="beacon_client"
    )
    credential = models.OneToOneField(ApiKey, on_delete=models.PROTECT, related_name="oauth_client")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"oauth client {self.application_id} ({self.credential})"


class AuditKind(models.TextChoices):
    REQUEST = "request"  # an API request, or a write under /admin/
    CHANGE = "change"  # a row created, updated or deleted in admin or by a management command


class AuditAction(models.TextChoices):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class AuditLog(models.Model):
    """The audit log: every API request and every admin or command change.

    Append-only and hash-chained (tenants/audit/, docs/security.md). The
    request path inserts a row with no chain fields; the chainer later sets
    `seq`, `prev_hash` and `row_hash` once, in id order, under an advisory
    lock. A trigger (migration 0006) refuses any other UPDATE and any DELETE
    outside the retention purge. No request bodies: only their SHA-256.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=8, choices=AuditKind.choices)
    # `api-key:<prefix>`, `admin:<username>`, `command:<name>`; empty for an anonymous request.
    actor = models.CharField(max_length=200, blank=True)
    # Requests. `route` is the URL pattern, never the raw path.
    method = models.CharField(max_length=10, blank=True)
    route = models.CharField(max_length=300, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # Plain ids, not foreign keys: the log outlives what it names.
    organization_id = models.UUIDField(null=True, blank=True)
    project_id = models.UUIDField(null=True, blank=True)
    api_key_id = models.UUIDField(null=True, blank=True)
    api_key_prefix = models.CharField(max_length=16, blank=True)
    role = models.CharField(max_length=10, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    correlation_id = models.CharField(max_length=64, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    # Changes: the object (`app_label.model` + pk) and SHA-256s of its field values.
    object_model = models.CharField(max_length=100, blank=True)
    object_pk = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=8, choices=AuditAction.choices, blank=True)
    before_hash = models.CharField(max_length=64, blank=True)
    after_hash = models.CharField(max_length=64, blank=True)
    # The chain; empty until the chainer reaches the row ("pending").
    seq = models.BigIntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seq"], condition=models.Q(seq__isnull=False), name="auditlog_seq_unique")
        ]
        indexes = [
            models.Index(fields=["organization_id", "-created_at"], name="auditlog_org_time"),
            models.Index(fields=["created_at"], name="auditlog_time"),
            # The chainer's work list stays small however long the log grows.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="auditlog_unchained"),
        ]

    def __str__(self) -> str:
        if self.kind == AuditKind.CHANGE:
            return f"{self.actor} {self.action} {self.object_model}:{self.object_pk}"
        return f"{self.method} {self.route or '-'} {self.status_code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("AuditLog rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("AuditLog rows are append-only; the retention purge removes old ones")


class AuditCheckpoint(models.Model):
    """Where the chain resumes after a retention purge: the last purged row's
    `seq` and `row_hash`, so verification starts at the first remaining row.
    Append-only like the log (migration 0006)."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    seq = models.BigIntegerField(unique=True)
    row_hash = models.CharField(max_length=64)
    purged_rows = models.PositiveIntegerField()
    cutoff = models.DateTimeField()

    def __str__(self) -> str:
        return f"checkpoint at seq {self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("AuditCheckpoint rows are append-only")
        super().save(*args, **kwargs)
