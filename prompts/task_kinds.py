"""The task kind registry: named, versioned bundles read from files.

Each folder under `prompts/task_kinds/` is one kind: `kind.json` (version,
model tier, generation settings), `output.schema.json`, `system.jinja` and
`user.jinja` (which extend the shared `_base` templates), and optionally its
own `input.schema.json` (else the shared one). A kind is addressed by name or
by a stable UUID derived from the name, so producers may send either as
`templateId`.
"""

import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from safety.policy import SafetyPolicy, safety_policy_from

TASK_KINDS_DIR = Path(__file__).resolve().parent / "task_kinds"
BASE_DIR_NAME = "_base"
# Fixed namespace so a kind's UUID is the same on every machine and release.
TASK_KIND_NAMESPACE = uuid.UUID("6f1d8a5e-3b0a-4c47-9a7c-bea0c0000001")


@dataclass(frozen=True)
class TaskKind:
    name: str
    version: str
    description: str
    tier: str
    output_kind: str
    max_tokens: int
    temperature: float
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    context: dict[str, Any]
    # Semantic rules and quality checks (validation.json beside kind.json).
    rules: tuple[dict[str, Any], ...] = ()
    quality: dict[str, Any] = field(default_factory=dict)
    # The version of the kind's output schema the files hold (kind.json).
    schema_version: str = "1.0.0"
    # Whether placeholders of redacted PII go back into this kind's output.
    restore_pii: bool = False
    # What each safety layer's hit does for this kind (kind.json "safety").
    safety: SafetyPolicy = field(default_factory=SafetyPolicy)
    # Generation: a field that cutting unsupported sentences empties is
    # written again from this other field's kept text (kind.json "refill").
    refill: dict[str, str] = field(default_factory=dict)

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.uuid5(TASK_KIND_NAMESPACE, self.name)

    @property
    def input_validator(self) -> Draft202012Validator:
        return _validator(self.name, "input")

    @property
    def output_validator(self) -> Draft202012Validator:
        return _validator(self.name, "output")


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _load(folder: Path) -> TaskKind:
    meta = _read_json(folder / "kind.json")
    input_path = folder / "input.schema.json"
    if not input_path.exists():
        input_path = TASK_KINDS_DIR / BASE_DIR_NAME / "input.schema.json"
    input_schema = _read_json(input_path)
    output_schema = _read_json(folder / "output.schema.json")
    context: dict[str, Any] = {}
    if "taxonomy" in meta:
        categories = _read_json(folder / meta["taxonomy"])["categories"]
        # The closed list becomes an enum, so the model cannot invent a label
        # under constrained decoding and the validator rejects one otherwise.
        output_schema["properties"]["categories"]["items"]["properties"]["path"]["enum"] = categories
        context["taxonomy"] = categories
    if meta["output"] == "extraction":
        # The job's candidates (jobs/services/job_settings.py), empty by default.
        context.update({"options": {}, "free": []})
    Draft202012Validator.check_schema(input_schema)
    Draft202012Validator.check_schema(output_schema)
    checks = _read_json(folder / "validation.json") if (folder / "validation.json").exists() else {}
    return TaskKind(
        name=meta["name"],
        version=meta["version"],
        description=meta["description"],
        tier=meta["tier"],
        output_kind=meta["output"],
        max_tokens=int(meta["max_tokens"]),
        temperature=float(meta["temperature"]),
        input_schema=input_schema,
        output_schema=output_schema,
        context=context,
        rules=tuple(checks.get("rules") or ()),
        quality=checks.get("quality") or {},
        restore_pii=bool(meta.get("restore_pii", False)),
        schema_version=str(meta.get("schema_version", "1.0.0")),
        safety=safety_policy_from(meta.get("safety")),
        refill=dict(meta.get("refill") or {}),
    )


@cache
def task_kinds() -> dict[str, TaskKind]:
    kinds = {}
    for folder in sorted(TASK_KINDS_DIR.iterdir()):
        if folder.is_dir() and not folder.name.startswith("_") and (folder / "kind.json").exists():
            kind = _load(folder)
            kinds[kind.name] = kind
    return kinds


@cache
def _validator(name: str, which: str) -> Draft202012Validator:
    kind = task_kinds()[name]
    schema = kind.input_schema if which == "input" else kind.output_schema
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def task_kind_get(template_id: str) -> TaskKind | None:
    """Find a task kind by name or by its UUID; None when there is none."""
    kinds = task_kinds()
    if template_id in kinds:
        return kinds[template_id]
    try:
        wanted = uuid.UUID(template_id)
    except ValueError:
        return None
    return next((kind for kind in kinds.values() if kind.uuid == wanted), None)
