"""Each task kind's output schema, rules and quality checks as the version
kind.json names (`schema_version`) of a schema named after the kind, plus the
shared `evidence-field` component. A schema that lacks that version (a
database from before the kind's files changed) gets it added.
Used by the data migration and wherever tables are emptied (flushed tests)."""

from collections.abc import Iterable
from typing import Any

from common.hashing import content_hash
from common.tenancy import platform_rows

EVIDENCE_FIELD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "evidence"],
    "properties": {
        "value": {"type": ["string", "number", "null"]},
        "evidence": {"type": ["string", "null"], "description": "a quote copied from the input"},
    },
}


def seed_output_schemas(kinds: Iterable[Any], get_model: Any = None) -> int:
    """`kinds`: the task kinds (prompts.task_kinds), passed in by the caller:
    validation shares a floor with prompts and does not import it."""
    if get_model is None:
        from django.apps import apps

        def get_model(name: str) -> Any:
            return apps.get_model("validation", name)

    component, schema_model, version_model = (
        get_model(n) for n in ("SchemaComponent", "OutputSchema", "SchemaVersion")
    )
    if not platform_rows(component).filter(name="evidence-field").exists():
        component.objects.create(
            name="evidence-field",
            json_schema=EVIDENCE_FIELD,
            description="A value with the quote from the input it rests on.",
        )
    created = 0
    for kind in kinds:
        schema = platform_rows(schema_model).filter(name=kind.name).first()
        if schema is not None and schema.versions.filter(version=kind.schema_version).exists():
            continue
        if schema is None:
            schema = schema_model.objects.create(name=kind.name, description=f"Output of the {kind.name} task kind.")
        fields = {"json_schema": kind.output_schema, "rules": list(kind.rules), "quality": kind.quality}
        version_model.objects.create(
            schema=schema, version=kind.schema_version, created_by="beacon", content_hash=content_hash(fields), **fields
        )
        created += 1
    return created
