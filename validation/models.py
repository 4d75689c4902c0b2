"""The output schema registry: named schemas with immutable semver versions.

A version holds a JSON Schema (draft 2020-12), which may `$ref` shared
components (`urn:beacon:component:<name>`), the semantic rules and the
quality checks that go with it. Each task kind's schema is seeded as version
1.0.0 of a schema named after the kind.
"""

import uuid

from django.db import models

from common.immutable import ImmutableContent, ImmutableContentError
from common.soft_delete import SoftDeletable

COMPONENT_PREFIX = "urn:beacon:component:"


class ImmutableSchemaError(ImmutableContentError):
    """A saved schema version's content was about to change."""


class SchemaComponent(models.Model):
    """A shared piece of schema other schemas `$ref` (e.g. an evidence-backed field)."""

    # Empty: a platform component every organization's schemas may $ref.
    organization = models.ForeignKey(
        "tenants.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="schema_components"
    )
    name = models.SlugField(max_length=100)
    json_schema = models.JSONField()
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="component_name_unique_per_org"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(organization__isnull=True), name="component_name_unique_platform"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def uri(self) -> str:
        return f"{COMPONENT_PREFIX}{self.name}"


class OutputSchema(SoftDeletable):
    """An organization's schema, or (organization empty) a platform default
    that every organization reads and only platform operators change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "tenants.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="output_schemas"
    )
    name = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    forked_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="forks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="schema_name_unique_per_org"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(organization__isnull=True), name="schema_name_unique_platform"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_platform(self) -> bool:
        return self.organization_id is None


SCHEMA_CONTENT = ("json_schema", "rules", "quality")


class SchemaVersion(ImmutableContent):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    schema = models.ForeignKey(OutputSchema, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=32)
    json_schema = models.JSONField()
    rules = models.JSONField(default=list, blank=True)
    quality = models.JSONField(default=dict, blank=True)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    content_fields = SCHEMA_CONTENT
    immutable_error = ImmutableSchemaError

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schema", "version"], name="schema_version_unique")]
        ordering = ["schema", "-created_at"]

    def __str__(self) -> str:
        return f"{self.schema.name}@{self.version}"
