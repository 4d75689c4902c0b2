"""What the reviewer's task page shows and how its form maps back to JSON.

The output is shown as one input per leaf value (strings, numbers, booleans,
list items), so a reviewer edits fields, never JSON; the form's values go
back into a copy of the output with their original types.
"""

import copy
import html
import json
import re
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from jobs.models import Job
from jobs.state import job_state_load


def output_leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for key, child in value.items() for leaf in output_leaves(child, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [leaf for i, child in enumerate(value) for leaf in output_leaves(child, f"{path}[{i}]")]
    return [(path, value)]


def _steps(path: str) -> list[str | int]:
    return [int(part) if part.isdecimal() else part for part in re.findall(r"[^.\[\]]+", path)]


def output_with_edits(output: Any, edits: dict[str, str]) -> Any:
    """A copy of `output` with each leaf at a path in `edits` replaced by the
    form's text, read back as the leaf's original type."""
    edited = copy.deepcopy(output)
    for path, original in output_leaves(output):
        if path not in edits:
            continue
        text = edits[path]
        value: Any = text
        if isinstance(original, bool):
            value = text.strip().lower() in ("true", "1", "yes", "on")
        elif isinstance(original, int | float) or original is None:
            stripped = text.strip()
            try:
                value = json.loads(stripped) if stripped else None
            except json.JSONDecodeError:
                value = text  # the schema check names the field
        node = edited
        steps = _steps(path)
        for step in steps[:-1]:
            node = node[step]
        node[steps[-1]] = value
    return edited


def evidence_quotes(output: Any) -> list[str]:
    """The quotes the output's `evidence` fields point at in the input."""
    quotes = [str(v) for p, v in output_leaves(output) if p.endswith("evidence") and isinstance(v, str) and v]
    return sorted(set(quotes), key=len, reverse=True)


def highlighted(text: str, quotes: list[str]) -> SafeString:
    """The text, HTML-escaped, with each quote marked."""
    escaped = html.escape(text)
    for quote in quotes:
        needle = html.escape(quote)
        if needle and needle in escaped:
            escaped = escaped.replace(needle, f"<mark>{needle}</mark>")
    return mark_safe(escaped)  # noqa: S308 - built from escaped text only


def review_context(job: Job) -> dict[str, Any]:
    """The redacted input (never the raw one), the output as fields, the
    validation trace and the quotes to highlight."""
    redacted = job_state_load(job).input
    result = getattr(job, "result", None)
    output = result.output if result else None
    validation = (result.validation if result else None) or {}
    quotes = evidence_quotes(output)
    leaves = output_leaves(output)
    documents = [
        {"title": d.get("title", ""), "text": highlighted(str(d.get("text", "")), quotes)}
        for d in redacted.get("reference_documents") or []
    ]
    return {
        "content": highlighted(str(redacted.get("content", "")), quotes),
        "product": json.dumps(redacted.get("product") or {}, indent=2, ensure_ascii=False),
        "documents": documents,
        "locale": redacted.get("locale", ""),
        "fields": [{"path": p, "value": "" if v is None else v, "long": len(str(v or "")) > 80} for p, v in leaves],
        "trace": validation.get("trace", []),
        "grounding": validation.get("grounding") or [],
        "quotes": quotes,
    }
