"""Parse what the model said and check it against the output schema.

The model is never trusted, constrained decoding or not. Two passes for now:
strict JSON, then the first balanced JSON object inside the text (prose or a
code fence around it). Every error is a path, a message and the offending value,
so it can go back to the model as feedback and to the producer as a report.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from common.text import undatamark


@dataclass
class ValidationReport:
    valid: bool
    parsed: Any = None
    parse_pass: str | None = None  # "direct" or "extracted"; None when nothing parsed
    errors: list[dict[str, Any]] = field(default_factory=list)
    # The model declined (`{"refusal": "<reason>"}`): an outcome, not a parse error.
    refusal: str | None = None
    parse_changes: list[str] = field(default_factory=list)  # what passes 2 and 3 changed

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"valid": self.valid, "parsePass": self.parse_pass, "errors": self.errors}
        if self.parse_changes:
            data["parseChanges"] = self.parse_changes
        if self.refusal is not None:
            data["refusal"] = self.refusal
        return data

    def feedback(self) -> list[str]:
        """The errors as short sentences for the model's next attempt."""
        lines = []
        for error in self.errors[:10]:
            where = error["path"] or "the answer"
            lines.append(f"{where}: {error['message']}")
        return lines


def _first_json_object(text: str) -> str | None:
    """The first balanced {...} in text, honouring strings and escapes."""
    start = text.find("{")
    while start != -1:
        depth = 0
        in_string = False
        escaped = False
        for index in range(start, len(text)):
            char = text[index]
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return text[start : index + 1]
        start = text.find("{", start + 1)
    return None


@dataclass(frozen=True)
class ParseResult:
    value: Any
    parse_pass: str | None  # "direct", "extracted", "repaired"; None when nothing parsed
    error: str | None  # why the direct parse failed (also set when a later pass succeeded)
    changes: list[str] = field(default_factory=list)  # what a later pass changed, in words


def parse_model_output(text: str, *, text_format: str = "json") -> ParseResult:
    """Passes 1 and 2 of parsing (pass 3, a repair call to the small tier,
    belongs to the pipeline: it needs a model).

    1. direct: the text is JSON (or YAML or XML, when the schema declares
       `"x-beacon-format": "yaml"` or `"xml"`; the JSON passes still follow).
    2. extracted: the first balanced JSON object inside the text (prose or a
       code fence around it); then json-repair for broken syntax (trailing
       commas, single quotes, unquoted keys, a truncated tail).
    """
    if text_format in ("yaml", "xml"):
        other = _parse_other(text, text_format)
        if other is not None:
            return ParseResult(other, "direct", None, [f"read as {text_format.upper()}"])
    try:
        return ParseResult(json.loads(text), "direct", None)
    except json.JSONDecodeError as exc:
        error = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    candidate = _first_json_object(text)
    if candidate is not None:
        try:
            start = text.find(candidate)
            return ParseResult(
                json.loads(candidate),
                "extracted",
                error,
                [
                    f"took the JSON object at characters {start}-{start + len(candidate)}; "
                    f"dropped {len(text) - len(candidate)} characters around it"
                ],
            )
        except json.JSONDecodeError:
            pass
    repaired = _json_repair(candidate or text)
    if isinstance(repaired, dict | list) and repaired not in ({}, []):
        return ParseResult(repaired, "extracted", error, ["json-repair fixed the JSON syntax"])
    return ParseResult(None, None, error)


def _parse_other(text: str, text_format: str) -> Any:
    """YAML (safe loader) or XML (xmltodict; the root element's content) as a
    dict, or None when the text is not that."""
    source = re.sub(r"^```\w*\s*|```\s*$", "", text.strip())
    try:
        if text_format == "yaml":
            import yaml

            value = yaml.safe_load(source)
        else:
            import xmltodict

            document = xmltodict.parse(source)
            value = next(iter(document.values())) if len(document) == 1 else document
    except Exception:  # any parse failure: fall through to the JSON passes
        return None
    return value if isinstance(value, dict | list) else None


def _json_repair(text: str) -> Any:
    from json_repair import repair_json

    fenced = re.search(r"```(?:json)?\s*(.*?)(?:```|$)", text, flags=re.DOTALL)
    source = fenced.group(1) if fenced else text
    start = min((i for i in (source.find("{"), source.find("[")) if i != -1), default=-1)
    if start == -1:
        return None
    try:
        return repair_json(source[start:], return_objects=True)
    except (ValueError, RecursionError):
        return None


def parse_model_json(text: str) -> tuple[Any, str | None, str | None]:
    """(value, pass name, error). Pass name is None when nothing parsed."""
    result = parse_model_output(text)
    return result.value, result.parse_pass, result.error if result.parse_pass is None else None


def _short(value: Any, limit: int = 200) -> Any:
    text = json.dumps(value, ensure_ascii=False)
    return value if len(text) <= limit else text[:limit] + "…"


def schema_errors(instance: Any, validator: Draft202012Validator) -> list[dict[str, Any]]:
    errors = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        errors.append(
            {"path": path, "message": error.message, "value": _short(error.instance), "rule": error.validator}
        )
    return errors


def output_validate(*, text: str, validator: Draft202012Validator) -> ValidationReport:
    # A model shown datamarked data may copy its marks; they are spaces.
    text = undatamark(text)
    result = parse_model_output(text, text_format=str(validator.schema.get("x-beacon-format", "json")))
    parsed, parse_pass = result.value, result.parse_pass
    if parse_pass is None:
        return ValidationReport(
            valid=False,
            errors=[{"path": "", "message": result.error, "value": _short(text[:200]), "rule": "json"}],
        )
    if isinstance(parsed, dict) and set(parsed) == {"refusal"} and isinstance(parsed["refusal"], str):
        return ValidationReport(
            valid=False,
            parsed=parsed,
            parse_pass=parse_pass,
            refusal=parsed["refusal"][:500],
            parse_changes=result.changes,
        )
    errors = schema_errors(parsed, validator)
    return ValidationReport(
        valid=not errors, parsed=parsed, parse_pass=parse_pass, errors=errors, parse_changes=result.changes
    )
