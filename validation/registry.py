"""Reading the schema registry: which version a job uses, and its validator.

Schemas belong to an organization or (organization empty) to the platform.
A name resolves to the organization's own schema, else the platform's.
"""

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from jsonschema import Draft202012Validator

from common.ttl_cache import ttl_cache
from validation.models import OutputSchema, SchemaVersion
from validation.schemas import schema_validator


def schemas_visible(*, organization_id: Any) -> QuerySet[OutputSchema]:
    """The organization's schemas and the platform's, less those in the trash."""
    return OutputSchema.objects.filter(
        Q(organization_id=organization_id) | Q(organization__isnull=True), deleted_at__isnull=True
    )


def schema_lookup(*, organization_id: Any, name: str) -> OutputSchema | None:
    """The organization's own schema of that name, else the platform's."""
    found = schemas_visible(organization_id=organization_id).filter(name=name)
    return found.order_by(F("organization_id").asc(nulls_last=True)).first()


def schema_reference_pin(organization_id: Any, reference: str) -> SchemaVersion | None:
    """The version a reference ("name" or "name@1.2.0") means now, for a
    template of `organization_id` (None: a platform template, which sees only
    platform schemas). A new template version pins what this returns."""
    name, _, number = reference.partition("@")
    schema = schema_lookup(organization_id=organization_id, name=name)
    if schema is None:
        return None
    versions = schema.versions.all()
    if number:
        return versions.filter(version=number).first()
    return versions.order_by("-created_at").first()


def schema_version_for(template_version: Any, task_kind: str) -> SchemaVersion | None:
    """The version the template version pinned when it was created; an
    unpinned one (none should remain after the migration) resolves its
    `metadata.outputSchema` reference, else the task kind's schema."""
    if getattr(template_version, "output_schema_version_id", None):
        return template_version.output_schema_version
    reference = str((getattr(template_version, "metadata", None) or {}).get("outputSchema") or task_kind)
    organization_id = template_version.template.organization_id if template_version is not None else None
    if settings.BEACON_INTAKE_CACHE_SECONDS:
        return _schema_version_cached(organization_id, reference)
    return schema_reference_pin(organization_id, reference)


@ttl_cache(seconds=5)
def _schema_version_cached(organization_id: Any, reference: str) -> SchemaVersion | None:
    return schema_reference_pin(organization_id, reference)


@lru_cache(maxsize=128)
def _validator(version_id: str, content_hash: str) -> Draft202012Validator:
    version = SchemaVersion.objects.select_related("schema").get(pk=version_id)
    return schema_validator(version.json_schema, organization_id=version.schema.organization_id)


def version_validator(version: SchemaVersion) -> Draft202012Validator:
    """Compiled once per version (versions are immutable; the hash guards the key)."""
    return _validator(str(version.id), version.content_hash)
