"""The data lifecycle's models: legal holds, retention policies, data-subject
records and storage tiers (jobs/services/legal_holds.py, retention_policies.py,
data_subjects.py, tiers.py). The job itself is in jobs/models/core.py."""

import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from jobs.models.core import Job
from tenants.models import Organization, Project


class LegalHold(models.Model):
    """Data kept past every retention period while the hold is active.

    Its scope is the whole organization (no project, no job), one project,
    or one job. Purges and tier moves skip everything an active hold covers
    (jobs/services/legal_holds.py). Lifting sets `lifted_at`; the row stays,
    so the holds of the past remain on record beside the audit log."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="legal_holds")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds")
    job = models.ForeignKey(Job, on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds")
    reason = models.CharField(max_length=500)
    placed_by = models.CharField(max_length=200)  # a key's prefix or an admin's username
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.CharField(max_length=200, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "lifted_at"], name="legalhold_org_active")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(job__isnull=True) | models.Q(project__isnull=True),
                name="legalhold_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} hold {self.id}"

    @property
    def scope(self) -> str:
        return "job" if self.job_id else "project" if self.project_id else "organization"


class SubjectIdentifier(models.Model):
    """A keyed hash of a personal identifier the prepare stage redacted from a
    job's input (an e-mail address, a phone number, a name), so a data-subject
    request can find the subject's jobs although stored text holds only
    placeholders. The value itself is never stored (jobs/services/data_subjects.py)."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="subject_identifiers")
    label = models.CharField(max_length=32)  # the placeholder's kind: EMAIL, PHONE, PERSON, ...
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "digest"], name="subjectid_org_digest")]

    def __str__(self) -> str:
        return f"{self.label} of {self.job_id}"


class DataSubjectErasure(models.Model):
    """The record of an erasure: which jobs lost what, for whom (by reference,
    never by identifier), and which a legal hold kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=200)  # the request's ticket or case number
    requested_by = models.CharField(max_length=200)
    erased_jobs = models.JSONField(default=list)
    held_jobs = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"erasure {self.reference}"


class RetentionPolicy(models.Model):
    """How long a job's parts are kept, as data: per organization (empty: the
    platform's default for all), task kind and customer tier (empty: any).
    A job takes, part by part, the value of the most specific policy that
    sets it (organization over task kind over customer tier), else the
    settings' window; events and model calls are kept unless a policy says."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="retention_policies"
    )
    task_kind = models.CharField(max_length=64, blank=True)
    customer_tier = models.CharField(max_length=10, blank=True)
    raw_input_hours = models.PositiveIntegerField(null=True, blank=True)
    result_days = models.PositiveIntegerField(null=True, blank=True)
    webhook_payload_days = models.PositiveIntegerField(null=True, blank=True)
    event_days = models.PositiveIntegerField(null=True, blank=True)
    model_call_days = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="Why: the regulation or contract it follows.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "task_kind", "customer_tier"],
                name="retention_policy_unique_scope",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = [str(self.organization or "platform"), self.task_kind or "any kind", self.customer_tier or "any tier"]
        return "retention: " + " / ".join(scope)

    @property
    def specificity(self) -> int:
        return 4 * (self.organization_id is not None) + 2 * bool(self.task_kind) + bool(self.customer_tier)


class StorageTier(models.TextChoices):
    HOT = "hot"  # everything in PostgreSQL
    WARM = "warm"  # result and events in object storage; searchable metadata here
    COLD = "cold"  # in the organization's monthly archive; restore before reading


class ColdArchive(models.Model):
    """One monthly compressed archive of an organization's cold jobs: a
    tar.gz of their warm documents plus `manifest.json` (each member's job id
    and SHA-256). A month whose jobs go cold over several runs gets several
    parts; an archive is never rewritten."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey("tenants.Organization", on_delete=models.PROTECT, related_name="cold_archives")
    month = models.CharField(max_length=7)  # YYYY-MM of the jobs' end
    part = models.PositiveIntegerField()
    key = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    jobs = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "month", "part"], name="cold_archive_part_unique")
        ]

    def __str__(self) -> str:
        return f"cold archive {self.key}"


class JobArchive(models.Model):
    """Where a warm job's result and events are: one compressed JSON
    document in the archive storage, its checksum, and what stays searchable
    (full text of the redacted output, so finding a warm job needs no scan
    of the archive and no search engine)."""

    job = models.OneToOneField(Job, on_delete=models.PROTECT, primary_key=True, related_name="archive")
    tier = models.CharField(max_length=8, choices=StorageTier.choices, default=StorageTier.WARM)
    key = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    events = models.PositiveIntegerField()
    search = SearchVectorField(null=True)
    moved_at = models.DateTimeField(auto_now_add=True)
    # Cold: the monthly archive holding the document, and its member name there
    # (`key` and `sha256` still name the warm document it was made from).
    cold_archive = models.ForeignKey(
        ColdArchive, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    member = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [GinIndex(fields=["search"], name="jobarchive_search")]

    def __str__(self) -> str:
        return f"{self.tier} archive of {self.job_id}"
