"""Reading the schema registry: which version a job uses, and its validator."""

from functools import lru_cache
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from beacon.ttl_cache import ttl_cache
from validation.models import SchemaVersion
from validation.schemas import schema_validator


def schema_version_for(template_version: Any, task_kind: str) -> SchemaVersion | None:
    """The template version's `metadata.outputSchema` ("name@1.2.0" or "name"),
    else the latest version of the schema named after the task kind."""
    reference = str((getattr(template_version, "metadata", None) or {}).get("outputSchema") or task_kind)
    if settings.BEACON_INTAKE_CACHE_SECONDS:
        return _schema_version_cached(reference)
    return _schema_version(reference)


@ttl_cache(seconds=5)
def _schema_version_cached(reference: str) -> SchemaVersion | None:
    return _schema_version(reference)


def _schema_version(reference: str) -> SchemaVersion | None:
    name, _, number = reference.partition("@")
    versions = SchemaVersion.objects.filter(schema__name=name)
    if number:
        return versions.filter(version=number).first()
    return versions.order_by("-created_at").first()


@lru_cache(maxsize=128)
def _validator(version_id: str, content_hash: str) -> Draft202012Validator:
    version = SchemaVersion.objects.get(pk=version_id)
    return schema_validator(version.json_schema)


def version_validator(version: SchemaVersion) -> Draft202012Validator:
    """Compiled once per version (versions are immutable; the hash guards the key)."""
    return _validator(str(version.id), version.content_hash)
