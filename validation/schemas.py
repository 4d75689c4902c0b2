"""Writing output schemas: checks on save, `$ref` components, compatibility.

A new version must be a valid JSON Schema 2020-12 whose `$ref`s resolve to
known components, and its rules must compile. It may not break consumers of
the latest version (a required field removed, or its type changed) unless it
is a major version bump.
"""

import re
from typing import Any

from django.db import transaction
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from validation.models import COMPONENT_PREFIX, OutputSchema, SchemaComponent, SchemaVersion
from validation.rules import RuleError, rules_compile

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class SchemaRegistryError(Exception):
    def __init__(self, message: str, *, code: str = "validation_error", details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or []


def component_registry() -> Registry:
    resources = [(c.uri, Resource.from_contents({"$schema": "https://json-schema.org/draft/2020-12/schema",
                                                  **c.json_schema}))
                 for c in SchemaComponent.objects.all()]  # fmt: skip
    return Registry().with_resources(resources)


def schema_validator(json_schema: dict[str, Any], registry: Registry | None = None) -> Draft202012Validator:
    return Draft202012Validator(json_schema, registry=registry or component_registry())


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def schema_check(json_schema: Any, rules: list[dict[str, Any]]) -> None:
    if not isinstance(json_schema, dict):
        raise SchemaRegistryError("the schema must be a JSON object")
    try:
        Draft202012Validator.check_schema(json_schema)
    except SchemaError as exc:
        where = "jsonSchema/" + "/".join(str(p) for p in exc.absolute_path)
        detail = {"field": where, "message": exc.message}
        raise SchemaRegistryError(f"not a valid JSON Schema 2020-12: {exc.message}", details=[detail]) from exc
    registry = component_registry()
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
    changes += [f"required field {name} changed type from {before[name]} to {after[name]}"
                for name in before if name in after and after[name] != before[name]]  # fmt: skip
    return changes


def schema_version_create(
    *,
    schema: OutputSchema,
    version: str,
    json_schema: dict[str, Any],
    rules: list[dict[str, Any]] | None = None,
    quality: dict[str, Any] | None = None,
    created_by: str = "",
) -> SchemaVersion:
    match = SEMVER.match(version)
    if match is None:
        raise SchemaRegistryError(f"version {version!r} is not semver")
    if schema.versions.filter(version=version).exists():
        raise SchemaRegistryError(f"{schema.name}@{version} exists; versions are immutable", code="conflict")
    schema_check(json_schema, rules or [])
    latest = schema.versions.order_by("-created_at").first()
    if latest is not None:
        latest_match = SEMVER.match(latest.version)
        old_major = int(latest_match.group(1)) if latest_match else 0
        if int(match.group(1)) <= old_major:
            broken = breaking_changes(latest.json_schema, json_schema)
            if broken:
                raise SchemaRegistryError(
                    f"{version} breaks consumers of {latest.version}; make it {old_major + 1}.0.0 to do so",
                    code="incompatible_schema",
                    details=[{"field": "jsonSchema", "message": change} for change in broken],
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


def next_minor(schema: OutputSchema) -> str:
    versions = [SEMVER.match(v) for v in schema.versions.values_list("version", flat=True)]
    numbers = [tuple(int(g) for g in m.groups()) for m in versions if m]
    if not numbers:
        return "1.0.0"
    major, minor, _ = max(numbers)
    return f"{major}.{minor + 1}.0"
