"""Semantic rules: declarative checks stored as data, evaluated with a trace.

A rule is a JSON object with an `id`, a `kind` and its parameters; `path`
names the value(s) it checks, `a.b`, `items[0].c` or `items[*].c` for every
element. Kinds:

  range        {"path", "min", "max"}             numbers, or the length of strings and lists
  enum         {"path", "values"}
  regex        {"path", "pattern"}                full match
  required_if  {"if": EXPR, "path"}               path must be present and non-empty when EXPR holds
  reference    {"path", "table"}                  the value must be in a reference table the caller
                                                  provides (e.g. "taxonomy": the job's categories)
  expression   {"expression": EXPR}               anything else, in a small safe expression language

EXPR is evaluated by simpleeval (an AST interpreter with a whitelist, no
`eval`, no attribute access to internals): the output's top-level fields are
names, with `len`, `lower`, `upper`, `any`, `all`, `sum`, `min`, `max`,
`abs`, `round`, `int`, `float`, `str` as functions. Each rule may carry a
`message` and a `fix` (a suggestion shown in the trace and fed back to the
model).

Rules are independent, so a plan is compiled once per rule set (expressions
parsed, patterns compiled) and results are cached by hash(output + rule set).
"""

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from simpleeval import EvalWithCompoundTypes, InvalidExpression

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "lower": lambda s: str(s).lower(),
    "upper": lambda s: str(s).upper(),
    "any": any,
    "all": all,
    "sum": sum,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": str,
}
KINDS = ("range", "enum", "regex", "required_if", "reference", "expression")
MISSING = object()


class RuleError(ValueError):
    """A rule set that cannot be compiled (bad kind, pattern or expression)."""


@dataclass
class RuleResult:
    rule: str
    kind: str
    path: str
    passed: bool
    values: list[Any] = field(default_factory=list)
    message: str = ""
    fix: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "kind": self.kind,
            "path": self.path,
            "passed": self.passed,
            "values": self.values[:5],
        }
        if not self.passed:
            data["message"] = self.message
            if self.fix:
                data["fix"] = self.fix
        return data


def _select(value: Any, path: str) -> list[tuple[str, Any]]:
    """(concrete path, value) for every match of `path`; MISSING where absent."""
    parts = re.findall(r"[^.\[\]]+|\[\*\]|\[\d+\]", path)
    found: list[tuple[str, Any]] = [("", value)]
    for part in parts:
        step: list[tuple[str, Any]] = []
        for where, node in found:
            if part == "[*]":
                if isinstance(node, list):
                    step += [(f"{where}[{i}]", item) for i, item in enumerate(node)]
            elif part.startswith("["):
                index = int(part[1:-1])
                item = node[index] if isinstance(node, list) and index < len(node) else MISSING
                step.append((f"{where}[{index}]", item))
            else:
                item = node.get(part, MISSING) if isinstance(node, dict) else MISSING
                step.append((f"{where}.{part}" if where else part, item))
        found = step
    return found


def _evaluator(output: Any) -> EvalWithCompoundTypes:
    names = dict(output) if isinstance(output, dict) else {"output": output}
    return EvalWithCompoundTypes(functions=FUNCTIONS, names=names)


@dataclass(frozen=True)
class CompiledRule:
    spec: dict[str, Any]
    check: Callable[[Any, dict[str, list[Any]]], list[RuleResult]]


def _result(spec: dict[str, Any], path: str, passed: bool, values: list[Any], default: str) -> RuleResult:
    return RuleResult(
        rule=spec["id"],
        kind=spec["kind"],
        path=path,
        passed=passed,
        values=values,
        message=spec.get("message") or default,
        fix=spec.get("fix", ""),
    )


def _compile(spec: dict[str, Any]) -> CompiledRule:
    kind, rule_id = spec.get("kind"), spec.get("id")
    if not rule_id or kind not in KINDS:
        raise RuleError(f"rule {rule_id!r}: `id` and a `kind` from {KINDS} are required")
    path = spec.get("path", "")

    def per_value(test: Callable[[Any], bool], describe: str) -> CompiledRule:
        def check(output: Any, tables: dict[str, list[Any]]) -> list[RuleResult]:
            results = []
            for where, value in _select(output, path):
                if value is MISSING or value is None:
                    continue  # presence is the schema's job (or required_if's)
                results.append(_result(spec, where, test(value), [value], f"{where}: {describe}"))
            return results

        return CompiledRule(spec, check)

    if kind == "range":
        low, high = spec.get("min"), spec.get("max")

        def within(value: Any) -> bool:
            measure = len(value) if isinstance(value, str | list) else value
            return (low is None or measure >= low) and (high is None or measure <= high)

        return per_value(within, f"must be between {low} and {high}")
    if kind == "enum":
        allowed = list(spec.get("values") or [])
        return per_value(lambda value: value in allowed, f"must be one of {allowed[:10]}")
    if kind == "regex":
        try:
            pattern = re.compile(spec["pattern"])
        except (KeyError, re.error) as exc:
            raise RuleError(f"rule {rule_id}: bad pattern ({exc})") from exc
        return per_value(lambda value: pattern.fullmatch(str(value)) is not None, f"must match {spec['pattern']}")
    if kind == "reference":
        table = spec.get("table", "")

        def check_reference(output: Any, tables: dict[str, list[Any]]) -> list[RuleResult]:
            known = tables.get(table)
            if known is None:
                return []  # no such table for this job: nothing to check against
            allowed = set(known)
            return [
                _result(spec, where, value in allowed, [value], f"{where}: not in {table}")
                for where, value in _select(output, path)
                if value is not MISSING
            ]

        return CompiledRule(spec, check_reference)
    expression = spec.get("expression") if kind == "expression" else spec.get("if")
    if not expression:
        raise RuleError(f"rule {rule_id}: an expression is required")
    try:
        parsed = EvalWithCompoundTypes().parse(expression)
    except (SyntaxError, InvalidExpression) as exc:
        raise RuleError(f"rule {rule_id}: cannot parse {expression!r} ({exc})") from exc

    def evaluate(output: Any) -> Any:
        evaluator = _evaluator(output)
        return evaluator.eval(expression, previously_parsed=parsed)

    if kind == "expression":

        def check_expression(output: Any, tables: dict[str, list[Any]]) -> list[RuleResult]:
            try:
                passed = bool(evaluate(output))
            except Exception as exc:  # an expression over a value of the wrong shape fails, with why
                return [_result(spec, path, False, [], f"could not evaluate {expression!r}: {type(exc).__name__}")]
            return [_result(spec, path, passed, [], f"{expression!r} does not hold")]

        return CompiledRule(spec, check_expression)

    def check_required(output: Any, tables: dict[str, list[Any]]) -> list[RuleResult]:
        try:
            applies = bool(evaluate(output))
        except Exception:
            applies = False
        if not applies:
            return []
        values = [value for _, value in _select(output, path)]
        present = bool(values) and all(v not in (MISSING, None, "", []) for v in values)
        return [_result(spec, path, present, [], f"{path} is required when {expression}")]

    return CompiledRule(spec, check_required)


@lru_cache(maxsize=256)
def _plan(rules_json: str) -> tuple[CompiledRule, ...]:
    return tuple(_compile(spec) for spec in json.loads(rules_json))


def rules_compile(rules: list[dict[str, Any]]) -> tuple[CompiledRule, ...]:
    """Compile (and so validate) a rule set; raises RuleError naming the rule."""
    return _plan(json.dumps(rules, sort_keys=True))


_RESULTS: "OrderedDict[str, list[RuleResult]]" = OrderedDict()


def rules_evaluate(
    rules: list[dict[str, Any]], output: Any, tables: dict[str, list[Any]] | None = None
) -> list[RuleResult]:
    """Every rule's results (a trace); cached by hash(output, rules, tables)."""
    if not rules:
        return []
    rules_json = json.dumps(rules, sort_keys=True)
    material = json.dumps([output, rules_json, tables or {}], sort_keys=True, default=str)
    key = hashlib.sha256(material.encode()).hexdigest()
    if key in _RESULTS:
        _RESULTS.move_to_end(key)
        return _RESULTS[key]
    results = [result for rule in _plan(rules_json) for result in rule.check(output, tables or {})]
    _RESULTS[key] = results
    if len(_RESULTS) > 4096:
        _RESULTS.popitem(last=False)
    return results
