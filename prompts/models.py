"""Prompt templates as versioned data.

A PromptTemplate belongs to a task kind (the kind fixes the input and output
contract; the template is how the model is asked). Its TemplateVersions are
immutable once saved: editing an active version means creating a new one.
Labels (`production`, `staging`, any name) point at versions, optionally
splitting traffic between several by weight; moving a label is how a version
goes live and how it is rolled back, and every move is recorded.
"""

import re
import uuid

from django.db import models
from django_fsm import FSMField, transition

from common.immutable import ImmutableContent, ImmutableContentError

# A version number: major.minor.patch.
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


class PromptTemplate(models.Model):
    """A template belongs to an organization, or (organization empty) is a
    platform default that every organization reads and only platform
    operators change. An organization's template of a default's name shadows
    the default for that organization's jobs (a fork, copy-on-write)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "tenants.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="prompt_templates"
    )
    # The task kind's own template is named after it; others are free names.
    name = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    task_kind = models.CharField(max_length=64)
    owner = models.CharField(max_length=200, blank=True)
    # Sensitive templates need a security reviewer's approval too (moderation always is).
    sensitive = models.BooleanField(default=False)
    forked_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="forks")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # soft delete: history stays
    # Online monitors may move the production label back to the previous
    # version when this template's live metrics breach (evals/monitors.py).
    auto_rollback = models.BooleanField(default=True)

    class Meta:
        constraints = [
            # Among live templates: a soft-deleted one keeps its name in history.
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="template_name_unique_per_org",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(organization__isnull=True, deleted_at__isnull=True),
                name="template_name_unique_platform",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.organization_id is None else f"{self.name} ({self.organization_id})"

    @property
    def is_platform(self) -> bool:
        return self.organization_id is None


class VersionStatus(models.TextChoices):
    DRAFT = "draft"
    REVIEW = "review"
    ACTIVE = "active"
    DEPRECATED = "deprecated"


class ImmutableVersionError(ImmutableContentError):
    """A saved TemplateVersion's content was about to change."""


# Fields that decide what a version renders; hashed into `content_hash` and
# frozen once the version exists.
CONTENT_FIELDS = ("system_prompt", "user_prompt", "few_shot_examples", "metadata", "parent_id")


class TemplateVersion(ImmutableContent):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(PromptTemplate, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=32)  # semver
    system_prompt = models.TextField()
    user_prompt = models.TextField()
    few_shot_examples = models.JSONField(default=list, blank=True)
    # tier, maxTokens, temperature, capabilities, tags (output schema: the task kind's)
    metadata = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    # The output-schema version this version was written and tested against,
    # fixed when the version is created: a newer schema version changes
    # nothing until a new template version adopts it.
    output_schema_version = models.ForeignKey(
        "validation.SchemaVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="template_versions"
    )
    status = FSMField(default=VersionStatus.DRAFT, choices=VersionStatus.choices, protected=True)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    content_fields = CONTENT_FIELDS
    immutable_error = ImmutableVersionError

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "version"], name="template_version_unique")]
        ordering = ["template", "-created_at"]

    def __str__(self) -> str:
        return f"{self.template.name}@{self.version}"

    # --- the review workflow (transitions do no I/O; services save) ---------
    @transition(field=status, source=VersionStatus.DRAFT, target=VersionStatus.REVIEW)
    def submit_for_review(self) -> None:
        pass

    @transition(field=status, source=VersionStatus.REVIEW, target=VersionStatus.DRAFT)
    def send_back(self) -> None:
        pass

    @transition(field=status, source=VersionStatus.REVIEW, target=VersionStatus.ACTIVE)
    def activate(self) -> None:
        pass

    @transition(field=status, source=VersionStatus.ACTIVE, target=VersionStatus.DEPRECATED)
    def deprecate(self) -> None:
        pass


class TemplateApproval(models.Model):
    """Someone other than the author approved a version's exact content.

    Approvals count only for the content hash they name: a version with new
    content is a new version and needs approvals of its own."""

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="approvals")
    approver = models.CharField(max_length=200)  # "org/key-prefix" or "admin:username"
    content_hash = models.CharField(max_length=64)
    security = models.BooleanField(default=False)  # given by a security reviewer
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "approver", "content_hash"], name="template_approval_unique")
        ]
        # Staff with this permission give the security approval in admin.
        permissions = [("security_review", "Can give the security approval of sensitive templates")]

    def __str__(self) -> str:
        return f"{self.version} approved by {self.approver}"


class TemplateLabel(models.Model):
    """A name on a template pointing at one version, or splitting between
    several by weight (an A/B experiment)."""

    id = models.BigAutoField(primary_key=True)
    template = models.ForeignKey(PromptTemplate, on_delete=models.CASCADE, related_name="labels")
    name = models.SlugField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "name"], name="template_label_unique")]

    def __str__(self) -> str:
        return f"{self.template.name}:{self.name}"


class LabelArm(models.Model):
    label = models.ForeignKey(TemplateLabel, on_delete=models.CASCADE, related_name="arms")
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="label_arms")
    weight = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["version__created_at"]

    def __str__(self) -> str:
        return f"{self.label} -> {self.version.version} ({self.weight})"


class LabelMove(models.Model):
    """The history of a label: who pointed it where, and why."""

    label = models.ForeignKey(TemplateLabel, on_delete=models.CASCADE, related_name="moves")
    arms = models.JSONField()  # [{"version": "1.1.0", "versionId": "...", "weight": 100}]
    previous_arms = models.JSONField(default=list)
    moved_by = models.CharField(max_length=200)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} moved by {self.moved_by}"


class TemplateTest(models.Model):
    """A test run of a version with sample parameters, kept for comparison;
    golden ones are the regression suite of the template."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="tests")
    # Whose test it is: tests of a platform default run by an organization
    # are that organization's (their inputs and outputs are its data).
    organization = models.ForeignKey(
        "tenants.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="template_tests"
    )
    parameters = models.JSONField()  # sample input written by prompt engineers, not customer data
    output = models.JSONField(null=True, blank=True)
    validation = models.JSONField(default=dict)
    valid = models.BooleanField(default=False)
    golden = models.BooleanField(default=False)
    deployment = models.CharField(max_length=100, blank=True)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"test of {self.version} ({'valid' if self.valid else 'invalid'})"


class GoldenRun(models.Model):
    """A version's run of its template's golden tests; activation waits for a pass."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PASSED = "passed"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="golden_runs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    results = models.JSONField(default=list)  # [{"testId", "valid", "errors"}]
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"golden run of {self.version}: {self.status}"


class Taxonomy(models.Model):
    """A category tree taxonomy tagging chooses from: an organization's own,
    or the platform default (organization empty) when it has none."""

    id = models.BigAutoField(primary_key=True)
    organization = models.OneToOneField(
        "tenants.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="taxonomy"
    )
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=500, blank=True)  # where it was imported from
    node_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyNode(models.Model):
    id = models.BigAutoField(primary_key=True)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="nodes")
    external_id = models.CharField(max_length=200, blank=True)  # e.g. gid://shopify/TaxonomyCategory/aa-1
    path = models.CharField(max_length=1000)  # "Apparel & Accessories > Clothing > Shirts & Tops"
    depth = models.PositiveSmallIntegerField()
    # Lower-cased words of the path, the leaf's doubled: what candidate narrowing matches.
    terms = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["taxonomy", "depth"], name="taxonomy_node_depth")]

    def __str__(self) -> str:
        return self.path


class FewShotExample(models.Model):
    """A worked example shown to the model before a job of its kind: an
    input's text and the answer the model should give for it. Chosen per
    job by similarity (prompts/fewshot.py). The platform's come from the
    golden set's development part only (`manage.py eval fewshot`); an
    organization may add its own, which only its jobs see."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(
        "tenants.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="few_shot_examples"
    )
    task_kind = models.CharField(max_length=64)
    key = models.CharField(max_length=200)  # where it came from, e.g. the golden item's key
    text = models.TextField()  # what similarity is measured on, and what the prompt shows
    answer = models.JSONField()  # in the model's answer shape for the kind
    source = models.CharField(max_length=200, blank=True)  # e.g. "golden v1, development part"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "task_kind", "key"], name="few_shot_unique", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_kind}:{self.key}"
