"""The template editor's helpers: the save-time checks on text as it is
typed, and what autocompletion and the inline help offer.

The checks are prompts' own (prompts.checks.version_check), the ones
version_create runs before it saves: what the editor flags is exactly
what a save would refuse, nothing more and nothing less.
"""

import json
from dataclasses import dataclass
from typing import Any

from prompts import dsl
from prompts.checks import RENDER_NAMES, CheckError, version_check
from prompts.task_kinds import TaskKind


@dataclass(frozen=True)
class EditorText:
    """The editor's fields as the browser sends them (JSON fields as text)."""

    system_prompt: str
    user_prompt: str
    few_shot_examples: str
    metadata: str


def json_field(field: str, text: str, expected: type) -> tuple[Any, list[CheckError]]:
    """A JSON field's value, or the error that says where it does not parse."""
    if not text.strip():
        return expected(), []
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return expected(), [CheckError(field, f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]
    if not isinstance(value, expected):
        return expected(), [CheckError(field, f"must be a JSON {'list' if expected is list else 'object'}", line=1)]
    return value, []


def editor_check(*, kind: TaskKind, text: EditorText, parent_id: Any) -> list[CheckError]:
    """Every problem a save would refuse, with field, line and column."""
    examples, errors = json_field("fewShotExamples", text.few_shot_examples, list)
    _, metadata_errors = json_field("metadata", text.metadata, dict)
    errors += metadata_errors
    return errors + version_check(
        kind=kind,
        system_prompt=text.system_prompt,
        user_prompt=text.user_prompt,
        few_shot_examples=examples,
        parent_id=parent_id,
    )


def _first_line(function: Any) -> str:
    """The docstring's first paragraph, as one line."""
    paragraph = (function.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


# The DSL functions as a template calls them (docs/prompts.md, "The DSL").
# Where prompts.dsl has the function, its docstring is the help, so the two
# cannot drift apart; the three bound per render are described here.
DSL_FUNCTIONS: list[dict[str, str]] = [
    {
        "name": "fence",
        "signature": "fence(text)",
        "doc": "Wraps untrusted text between per-job markers the data cannot close.",
    },
    {
        "name": "truncate",
        "signature": "truncate(text, max_tokens)",
        "doc": _first_line(dsl.truncate_to_tokens),
    },
    {
        "name": "few_shot",
        "signature": "few_shot(examples, n, by_similarity=false)",
        "doc": _first_line(dsl.few_shot_select),
    },
    {"name": "format_json", "signature": "format_json(schema)", "doc": _first_line(dsl.format_json)},
    {"name": "if_section", "signature": "if_section(condition, content)", "doc": _first_line(dsl.if_section)},
    {
        "name": "extract_entities",
        "signature": "extract_entities(text, types)",
        "doc": _first_line(dsl.extract_entities),
    },
]

VARIABLE_DOCS = {
    "feedback": "Validation errors of the previous answer, on a repair round (a list of sentences).",
    "examples": "The version's few-shot examples (the fewShotExamples field).",
    "output_schema": "The task kind's output JSON Schema (use with format_json).",
    "parent": "The parent version's templates: {% extends parent.system %}.",
    "fence_token": "The per-job fence marker (fence() uses it).",
    "datamark": "The datamarking note, when the kind's spotlighting is `datamark`.",
    "taxonomy": "The closed list of category paths (taxonomy tagging).",
    "options": "Extraction candidates proposed from the input, per attribute.",
    "free": "Attributes with no candidate, which the model may fill from the input.",
}


def completions(kind: TaskKind) -> list[dict[str, str]]:
    """What autocompletion offers in a template of `kind`: the DSL functions,
    the kind's input variables (with their schema description) and the other
    render variables, each with a line of help."""
    items = [{**f, "type": "function"} for f in DSL_FUNCTIONS]
    properties = kind.input_schema.get("properties", {})
    required = set(kind.input_schema.get("required", []))
    for name, schema in properties.items():
        kind_of = schema.get("type", "any")
        note = "required" if name in required else "optional"
        doc = schema.get("description") or f"Input field ({kind_of}, {note})."
        items.append({"name": name, "signature": name, "doc": doc, "type": "input"})
        for child, child_schema in (schema.get("properties") or {}).items():
            child_doc = child_schema.get("description") or f"{name}.{child} ({child_schema.get('type', 'any')})"
            items.append({"name": f"{name}.{child}", "signature": f"{name}.{child}", "doc": child_doc, "type": "input"})
    context = set(RENDER_NAMES) | set(kind.context)
    for name in sorted(context - {f["name"] for f in DSL_FUNCTIONS} - set(properties)):
        if name in VARIABLE_DOCS:
            items.append({"name": name, "signature": name, "doc": VARIABLE_DOCS[name], "type": "variable"})
    return items
