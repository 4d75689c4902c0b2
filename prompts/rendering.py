"""Render a task kind's prompt into chat messages with sandboxed Jinja2.

The sandbox (no attribute access to internals), StrictUndefined (a missing
variable is an error, not an empty string) and the `fence()` function are the
foundation the prompt registry builds on. Untrusted text is wrapped in markers
carrying a random per-job token, so content cannot close the fence early by
guessing the delimiter.
"""

import hashlib
import hmac
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import cache
from typing import Any

from django.conf import settings
from jinja2 import ChoiceLoader, FileSystemLoader, FunctionLoader, StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateRuntimeError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from common.text import DATAMARK, datamark
from prompts.dsl import extract_entities, few_shot_select, format_json, if_section, truncate_to_tokens
from prompts.task_kinds import TASK_KINDS_DIR, TaskKind


def fence_token_for(parameters: Any, *, scope: str) -> str:
    """The marker that fences untrusted input in a prompt.

    Keyed by a server secret, so input cannot predict it and forge a closing
    fence; derived from the input, so identical input renders identical
    prompts and the model output cache can answer it; and from `scope` (the
    organization), so one organization's token says nothing about another's."""
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    material = f"{scope}\n{canonical}"
    digest = hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()
    return "DATA_" + digest[:12].upper()


VERSION_PREFIX = "version/"


def version_template_name(version_id: Any, part: str) -> str:
    return f"{VERSION_PREFIX}{version_id}/{part}.jinja"


def _load_version_source(name: str) -> tuple[str, None, Callable[[], bool]] | None:
    """Template versions are addressed as `version/<id>/system.jinja`; being
    immutable, a loaded one never goes stale."""
    if not name.startswith(VERSION_PREFIX):
        return None
    from prompts.models import TemplateVersion

    version_id, part = name.removeprefix(VERSION_PREFIX).split("/", 1)
    field = {"system.jinja": "system_prompt", "user.jinja": "user_prompt"}.get(part)
    if field is None:
        return None
    source = TemplateVersion.objects.filter(pk=version_id).values_list(field, flat=True).first()
    if source is None:
        return None
    return source, None, lambda: True


# Limits on what a template may make the renderer do. Templates are written
# by tenants: `{{ "x" * 300000000 }}` or loops inside loops would otherwise
# take a web or worker process down at save, preview, test or job time.
MAX_RENDER_CHARS = 200_000  # a product of `*`, and each rendered message
MAX_RANGE_ITEMS = 10_000  # all `range()` items of one render together
MAX_POWER_EXPONENT = 64
# All `for` iterations of one render together. A loop over a long input
# inside another loop over it does no arithmetic and writes nothing, so the
# bounds above never see it; this one does.
MAX_LOOP_ITERATIONS = 200_000
LOOP_GUARD = "beacon_loop_guard"


class LimitedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox, plus bounds on `*`, `**`, `range` and loops."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals[LOOP_GUARD] = _loop_guard

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        # Every `for` iterates through the render's loop allowance: the
        # parsed tree's loops get their iterable wrapped before compiling.
        # (Jinja has no public hook between parsing and code generation.)
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.Name(LOOP_GUARD, "load"), [loop.iter], [], None, None)
        return tree

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                repeated = isinstance(sequence, str | list | tuple) and isinstance(times, int)
                if repeated and len(sequence) * times > MAX_RENDER_CHARS:
                    raise SecurityError(f"a repetition longer than {MAX_RENDER_CHARS:,} items")
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER_EXPONENT:
            raise SecurityError(f"an exponent above {MAX_POWER_EXPONENT}")
        return super().call_binop(context, operator, left, right)


class RangeBudget:
    """`range()` for one render: every call draws on one allowance, so loops
    inside loops cannot multiply their way past it."""

    def __init__(self, limit: int = MAX_RANGE_ITEMS) -> None:
        self.left = limit

    def __call__(self, *args: int) -> range:
        numbers = range(*args)
        self.left -= len(numbers)
        if self.left < 0:
            raise SecurityError(f"range() over more than {MAX_RANGE_ITEMS:,} items in one render")
        return numbers


_loops_left: ContextVar[list[int] | None] = ContextVar("beacon_loops_left", default=None)


def _loop_guard(iterable: Any) -> Iterator[Any]:
    left = _loops_left.get()
    for item in iterable:
        if left is not None:
            left[0] -= 1
            if left[0] < 0:
                raise SecurityError(f"loops over more than {MAX_LOOP_ITERATIONS:,} items in one render")
        yield item


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """Render with fresh range and loop allowances, stopping once the output
    passes MAX_RENDER_CHARS instead of building it whole."""
    parts: list[str] = []
    size = 0
    token = _loops_left.set([MAX_LOOP_ITERATIONS])
    try:
        for part in template.generate({**context, "range": RangeBudget()}):
            size += len(part)
            if size > MAX_RENDER_CHARS:
                raise SecurityError(f"a rendered message longer than {MAX_RENDER_CHARS:,} characters")
            parts.append(part)
    except RecursionError:
        raise SecurityError("a macro that calls itself without end") from None
    except (ArithmeticError, TypeError, ValueError) as exc:
        # `{{ 1 / 0 }}`, `{{ "a" + 1 }}`: the template's fault, said as a template error.
        raise TemplateRuntimeError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _loops_left.reset(token)
    return "".join(parts)


@cache
def _environment() -> SandboxedEnvironment:
    return LimitedSandbox(
        # Versions from the database; the shared `_base` templates from files.
        loader=ChoiceLoader([FunctionLoader(_load_version_source), FileSystemLoader(str(TASK_KINDS_DIR))]),
        undefined=StrictUndefined,
        autoescape=False,  # prompts are not HTML; untrusted text is fenced instead
        keep_trailing_newline=False,
        trim_blocks=False,
    )


def fence_function(token: str, *, datamarked: bool = False) -> Callable[[Any], str]:
    def fence(text: Any) -> str:
        # A token that appears in the text itself is removed, so the data can
        # never contain its own closing marker.
        body = str(text).replace(token, "")
        if datamarked:
            body = datamark(body)
        return f"<<{token}>>\n{body}\n<</{token}>>"

    return fence


def spotlighting_of(kind: TaskKind) -> str:
    """How this kind's untrusted spans are set apart: the deployment's
    setting (BEACON_SPOTLIGHTING) when given, else the kind's policy."""
    return str(getattr(settings, "BEACON_SPOTLIGHTING", "") or kind.safety.spotlighting)


def render_context(
    *,
    kind: TaskKind,
    parameters: dict[str, Any],
    fence_token: str,
    feedback: list[str] | None = None,
    examples: list[Any] | None = None,
    parent_id: Any = None,
    count_tokens: Callable[[str], int] | None = None,
    extra_context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a template may use: the parameters, the DSL functions, the
    kind's context (e.g. its taxonomy) and, for a child version, its parent."""
    content = str(parameters["content"])
    counter = count_tokens or (lambda text: len(text) // 3 + 1)
    datamarked = spotlighting_of(kind) == "datamark"
    return {
        "content": content,
        "product": parameters.get("product") or {},
        "locale": parameters.get("locale", "en-US"),
        "customer_tier": parameters.get("customer_tier", "standard"),
        "reference_documents": parameters.get("reference_documents") or [],
        "feedback": feedback or [],
        "examples": examples or [],
        "output_schema": kind.output_schema,
        "parent": {
            "system": version_template_name(parent_id, "system"),
            "user": version_template_name(parent_id, "user"),
        }
        if parent_id
        else None,
        "fence_token": fence_token,
        "fence": fence_function(fence_token, datamarked=datamarked),
        # The system prompt explains the mark only when the data carries it.
        "datamark": DATAMARK if datamarked else "",
        "truncate": lambda text, max_tokens: truncate_to_tokens(text, int(max_tokens), counter),
        "few_shot": lambda items, n, by_similarity=False: few_shot_select(
            list(items), int(n), query=content, by_similarity=bool(by_similarity)
        ),
        "format_json": format_json,
        "if_section": if_section,
        "extract_entities": extract_entities,
        **kind.context,
        **(extra_context or {}),
    }


def render_templates(*, system_name: str, user_name: str, context: dict[str, Any]) -> list[dict[str, str]]:
    environment = _environment()
    system = render_bounded(environment.get_template(system_name), context)
    user = render_bounded(environment.get_template(user_name), context)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def render_messages(
    *,
    kind: TaskKind,
    parameters: dict[str, Any],
    fence_token: str,
    feedback: list[str] | None = None,
    extra_context: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    """The system and user messages of a task kind's file templates."""
    context = render_context(
        kind=kind, parameters=parameters, fence_token=fence_token, feedback=feedback, extra_context=extra_context
    )
    return render_templates(
        system_name=f"{kind.name}/system.jinja", user_name=f"{kind.name}/user.jinja", context=context
    )


_RENDERED: "OrderedDict[tuple[str, str], list[dict[str, str]]]" = OrderedDict()
RENDER_CACHE_SIZE = 2048


def _render_key(
    version: Any, parameters: dict[str, Any], fence_token: str, feedback: list[str] | None
) -> tuple[str, str]:
    material = json.dumps([parameters, fence_token, feedback or []], sort_keys=True, separators=(",", ":"), default=str)
    return version.content_hash, hashlib.sha256(material.encode()).hexdigest()


def render_version(
    *,
    version: Any,
    kind: TaskKind,
    parameters: dict[str, Any],
    fence_token: str,
    feedback: list[str] | None = None,
    count_tokens: Callable[[str], int] | None = None,
    extra_context: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    """The system and user messages of a stored TemplateVersion.

    Cached per process by (content_hash, hash of the inputs): identical
    requests skip rendering, and any change to the template changes the key.
    Renders that truncate with a caller's tokenizer are not cached."""
    # The spotlighting mode is a setting that can change between renders.
    extras = json.dumps([extra_context or {}, spotlighting_of(kind)], sort_keys=True)
    key = _render_key(version, parameters, fence_token, [*(feedback or []), extras])
    if count_tokens is None and key in _RENDERED:
        _RENDERED.move_to_end(key)
        return [dict(message) for message in _RENDERED[key]]
    context = render_context(
        kind=kind,
        parameters=parameters,
        fence_token=fence_token,
        feedback=feedback,
        examples=version.few_shot_examples,
        parent_id=version.parent_id,
        count_tokens=count_tokens,
        extra_context=extra_context,
    )
    messages = render_templates(
        system_name=version_template_name(version.id, "system"),
        user_name=version_template_name(version.id, "user"),
        context=context,
    )
    if count_tokens is None:
        _RENDERED[key] = messages
        if len(_RENDERED) > RENDER_CACHE_SIZE:
            _RENDERED.popitem(last=False)
    return [dict(message) for message in messages]
