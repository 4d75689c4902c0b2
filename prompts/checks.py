"""Checks a template version must pass before it is saved.

* syntax: Jinja2 parses both prompts;
* forbidden constructs: `import`, `include` of anything but the shared
  `_base` templates, attribute names starting with `_` (the sandbox refuses
  them at render time too; refusing at save time says where);
* undefined variables: every name a prompt reads is a render variable, a DSL
  function or a name it sets itself;
* size limits on prompts and few-shot examples;
* a test render with the smallest valid input of the task kind, in the
  sandbox, so runtime errors (a filter on the wrong type, a StrictUndefined
  attribute) show before anyone depends on the version.

Errors carry the field, the line and, where Jinja2 or the source tells it,
the column.
"""

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

from prompts.rendering import _environment, render_bounded, render_context
from prompts.task_kinds import TaskKind

MAX_PROMPT_CHARS = 20_000
MAX_EXAMPLES = 50
MAX_EXAMPLES_CHARS = 50_000
RENDER_NAMES = {
    "content",
    "product",
    "locale",
    "customer_tier",
    "reference_documents",
    "feedback",
    "examples",
    "output_schema",
    "parent",
    "fence_token",
    "datamark",
    "fence",
    "truncate",
    "few_shot",
    "format_json",
    "if_section",
    "extract_entities",
    "taxonomy",
    "loop",
    "range",
    "dict",
    "namespace",
    "lipsum",
    "cycler",
    "joiner",
}


@dataclass(frozen=True)
class CheckError:
    field: str
    message: str
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def _position(source: str, needle: str) -> tuple[int | None, int | None]:
    match = re.search(r"\b" + re.escape(needle) + r"\b", source)
    if match is None:
        return None, None
    before = source[: match.start()]
    return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1


def _check_source(field: str, source: str, known: set[str]) -> list[CheckError]:
    if len(source) > MAX_PROMPT_CHARS:
        return [CheckError(field, f"longer than {MAX_PROMPT_CHARS} characters")]
    try:
        tree = _environment().parse(source)
    except TemplateSyntaxError as exc:
        return [CheckError(field, f"syntax error: {exc.message}", line=exc.lineno)]
    errors: list[CheckError] = []
    for statement in tree.find_all((nodes.Import, nodes.FromImport)):
        errors.append(CheckError(field, "imports are not allowed in prompts", line=statement.lineno))
    for include in tree.find_all(nodes.Include):
        target = include.template.value if isinstance(include.template, nodes.Const) else None
        if not (isinstance(target, str) and target.startswith("_base/")):
            errors.append(CheckError(field, "only the shared _base templates may be included", line=include.lineno))
    for access in tree.find_all(nodes.Getattr):
        if access.attr.startswith("_"):
            _, column = _position(source, access.attr)
            errors.append(
                CheckError(field, f"attribute {access.attr!r} is not allowed", line=access.lineno, column=column)
            )
    for name in sorted(meta.find_undeclared_variables(tree) - known):
        line, column = _position(source, name)
        errors.append(CheckError(field, f"undefined variable {name!r}", line=line, column=column))
    return errors


def _smallest_input(schema: dict[str, Any]) -> dict[str, Any]:
    from llm.scripted import schema_example

    sample = schema_example(schema)
    return {**sample, "content": sample.get("content") or "Sample product text.", "locale": "en-US"}


def version_check(
    *,
    kind: TaskKind,
    system_prompt: str,
    user_prompt: str,
    few_shot_examples: list[Any],
    parent_id: Any = None,
) -> list[CheckError]:
    known = RENDER_NAMES | set(kind.input_schema.get("properties", {})) | set(kind.context)
    errors = _check_source("systemPrompt", system_prompt, known) + _check_source("userPrompt", user_prompt, known)
    if not isinstance(few_shot_examples, list) or len(few_shot_examples) > MAX_EXAMPLES:
        errors.append(CheckError("fewShotExamples", f"a list of at most {MAX_EXAMPLES} examples"))
    elif len(json.dumps(few_shot_examples)) > MAX_EXAMPLES_CHARS:
        errors.append(CheckError("fewShotExamples", f"at most {MAX_EXAMPLES_CHARS} characters in all"))
    if errors:
        return errors
    context = render_context(
        kind=kind,
        parameters=_smallest_input(kind.input_schema),
        fence_token="DATA_CHECK",  # noqa: S106 - a fence marker, not a secret
        examples=few_shot_examples,
        parent_id=parent_id,
    )
    for field, source in (("systemPrompt", system_prompt), ("userPrompt", user_prompt)):
        try:
            render_bounded(_environment().from_string(source), context)
        except (SecurityError, UndefinedError) as exc:
            errors.append(CheckError(field, f"test render failed: {exc}"))
        except TemplateError as exc:
            errors.append(CheckError(field, f"test render failed: {exc}", line=getattr(exc, "lineno", None)))
        except (TypeError, ValueError) as exc:
            errors.append(CheckError(field, f"test render failed: {type(exc).__name__}: {exc}"))
    return errors
