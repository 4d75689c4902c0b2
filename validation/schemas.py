"""Writing output schemas: checks on save, `$ref` components, compatibility.

A new version must be a valid JSON Schema 2020-12 whose `$ref`s resolve to
known components (the schema's organization's own, else the platform's), and
its rules must compile. It may not break consumers of the latest version (a
required field removed, or its type changed) unless it is a major version
bump, and even then not while an active template version pins an older
version of the schema, unless a platform operator forces it.
"""

import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from common.soft_delete import soft_delete
from validation.models import COMPONENT_PREFIX, OutputSchema, SchemaComponent, SchemaVersion
from validation.rules import RuleError, rules_compile

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class SchemaRegistryError(Exception):
    def __init__(self, message: str, *, code: str = "validation_error", details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or []


def component_registry(*, organization_id: Any = None) -> Registry:
    """The platform's components, with the organization's own of the same
    name in their place."""
    visible = SchemaComponent.objects.filter(Q(organization_id=organization_id) | Q(organization__isnull=True))
    # Platform rows first, so an organization's component of the same URI wins.
    ordered = sorted(visible, key=lambda c: c.organization_id is not None)
    resources = {
        c.uri: Resource.from_contents({"$schema": "https://json-schema.org/draft/2020-12/schema", **c.json_schema})
        for c in ordered
    }
    return Registry().with_resources(resources.items())


def schema_validator(json_schema: dict[str, Any], *, organization_id: Any = None) -> Draft202012Validator:
    """A validator for `json_schema`; the organization's components are read
    only when the schema refers to one (most job schemas refer to none, and
    the stages build a validator per job)."""
    if not any(ref.startswith(COMPONENT_PREFIX) for ref in _refs(json_schema)):
        return Draft202012Validator(json_schema)
    return Draft202012Validator(json_schema, registry=component_registry(organization_id=organization_id))


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def schema_check(json_schema: Any, rules: list[dict[str, Any]], *, organization_id: Any = None) -> None:
    if not isinstance(json_schema, dict):
        raise SchemaRegistryError("the schema must be a JSON object")
    try:
        Draft202012Validator.check_schema(json_schema)
    except SchemaError as exc:
        where = "jsonSchema/" + "/".join(str(p) for p in exc.absolute_path)
        detail = {"field": where, "message": exc.message}
        raise SchemaRegistryError(f"not a valid JSON Schema 2020-12: {exc.message}", details=[detail]) from exc
    registry = component_registry(organization_id=organization_id)
    for ref in _refs(json_schema):
        if ref.startswith("#"):
            continue
        if not ref.startswith(COMPONENT_PREFIX):
            raise SchemaRegistryError(f"$ref {ref!r}: only local refs and {COMPONENT_PREFIX}<name> are allowed")
        try:
            registry.resolver().lookup(ref)
        except Unresolvable:
            raise SchemaRegistryError(f"$ref {ref!r} names no known component") from None
    try:
        rules_compile(rules)
    except RuleError as exc:
        raise SchemaRegistryError(str(exc), details=[{"field": "rules", "message": str(exc)}]) from exc


def _required_types(schema: dict[str, Any], path: str = "") -> dict[str, Any]:
    """Required fields (nested through required objects) and their declared types."""
    found: dict[str, Any] = {}
    properties = schema.get("properties") or {}
    for name in schema.get("required") or []:
        child = properties.get(name) or {}
        where = f"{path}.{name}" if path else name
        found[where] = child.get("type", child.get("$ref", "any"))
        if child.get("type") == "object":
            found.update(_required_types(child, where))
    return found


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What a consumer of `old` would find broken in `new`."""
    before, after = _required_types(old), _required_types(new)
    changes = [f"required field {name} removed" for name in before if name not in after]
    changes += [
        f"required field {name} changed type from {before[name]} to {after[name]}"
        for name in before
        if name in after and after[name] != before[name]
    ]
    return changes


def schema_version_create(
    *,
    schema: OutputSchema,
    version: str,
    json_schema: dict[str, Any],
    rules: list[dict[str, Any]] | None = None,
    quality: dict[str, Any] | None = None,
    created_by: str = "",
    force: bool = False,
) -> SchemaVersion:
    """`force` (platform operators only) lets a breaking change through while
    active template versions still pin older versions."""
    match = SEMVER.match(version)
    if match is None:
        raise SchemaRegistryError(f"version {version!r} is not semver")
    if schema.versions.filter(version=version).exists():
        raise SchemaRegistryError(f"{schema.name}@{version} exists; versions are immutable", code="conflict")
    schema_check(json_schema, rules or [], organization_id=schema.organization_id)
    latest = schema.versions.order_by("-created_at").first()
    broken = breaking_changes(latest.json_schema, json_schema) if latest is not None else []
    if latest is not None and broken:
        latest_match = SEMVER.match(latest.version)
        old_major = int(latest_match.group(1)) if latest_match else 0
        details = [{"field": "jsonSchema", "message": change} for change in broken]
        if int(match.group(1)) <= old_major:
            raise SchemaRegistryError(
                f"{version} breaks consumers of {latest.version}; make it {old_major + 1}.0.0 to do so",
                code="incompatible_schema",
                details=details,
            )
        pinned = schema_pinned_by_active(schema)
        if pinned and not force:
            raise SchemaRegistryError(
                f"{version} breaks consumers of {latest.version}, and active template versions pin this schema: "
                f"{', '.join(pinned)}; adopt a compatible version in those templates first",
                code="incompatible_schema",
                details=details + [{"field": "pinnedBy", "message": name} for name in pinned],
            )
    with transaction.atomic():
        return SchemaVersion.objects.create(
            schema=schema,
            version=version,
            json_schema=json_schema,
            rules=rules or [],
            quality=quality or {},
            created_by=created_by,
        )


def schema_pinned_by_active(schema: OutputSchema) -> list[str]:
    """Active template versions that pin a version of `schema` ("template@1.2.0").

    Read through the reverse relation, so validation names no prompts model."""
    pins = schema.versions.filter(template_versions__status="active").values_list(
        "template_versions__template__name", "template_versions__version"
    )
    return sorted({f"{name}@{number}" for name, number in pins})


def schema_delete(*, schema: OutputSchema, deleted_by: str) -> bool:
    """Move an organization's schema to the trash (common/soft_delete.py):
    refused while an active template version pins one of its versions, whose
    jobs would lose their schema. Jobs that ran on it keep their version."""
    if schema.is_platform:
        raise SchemaRegistryError("a platform schema is not deleted through an organization", code="conflict")
    pinned = schema_pinned_by_active(schema)
    if pinned:
        raise SchemaRegistryError(
            f"active template versions pin {schema.name!r}: {', '.join(pinned)}; retire them first",
            code="schema_in_use",
        )
    return soft_delete(schema, by=deleted_by)


def next_minor(schema: OutputSchema) -> str:
    versions = [SEMVER.match(v) for v in schema.versions.values_list("version", flat=True)]
    numbers = [tuple(int(g) for g in m.groups()) for m in versions if m]
    if not numbers:
        return "1.0.0"
    major, minor, _ = max(numbers)
    return f"{major}.{minor + 1}.0"


def schema_fork(*, schema: OutputSchema, organization: Any, forked_by: str) -> OutputSchema:
    """`organization`'s own copy of a platform schema: its latest version,
    same number and content. A new template version of the organization's
    then pins the copy (its name now resolves to it)."""
    if not schema.is_platform:
        raise SchemaRegistryError("only a platform schema can be forked")
    if OutputSchema.objects.filter(organization=organization, name=schema.name).exists():
        raise SchemaRegistryError(f"this organization already has its own {schema.name!r}", code="conflict")
    latest = schema.versions.order_by("-created_at").first()
    with transaction.atomic():
        fork = OutputSchema.objects.create(
            organization=organization, name=schema.name, description=schema.description, forked_from=schema
        )
        if latest is not None:
            SchemaVersion.objects.create(
                schema=fork,
                version=latest.version,
                json_schema=latest.json_schema,
                rules=latest.rules,
                quality=latest.quality,
                created_by=forked_by,
            )
    return fork
