"""The output schema registry: named schemas with immutable semver versions.

A version holds a JSON Schema (draft 2020-12), which may `$ref` shared
components (`urn:beacon:component:<name>`), the semantic rules and the
quality checks that go with it. Each task kind's schema is seeded as version
1.0.0 of a schema named after the kind.
"""

import uuid

from django.db import models

from beacon.immutable import ImmutableContent, ImmutableContentError

COMPONENT_PREFIX = "urn:beacon:component:"


class ImmutableSchemaError(ImmutableContentError):
    """A saved schema version's content was about to change."""


class SchemaComponent(models.Model):
    """A shared piece of schema other schemas `$ref` (e.g. an evidence-backed field)."""

    name = models.SlugField(max_length=100, unique=True)
    json_schema = models.JSONField()
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def uri(self) -> str:
        return f"{COMPONENT_PREFIX}{self.name}"


class OutputSchema(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


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
