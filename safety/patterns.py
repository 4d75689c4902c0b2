"""The injection rules as versioned data in the database, updated without a deploy.

A rule set is a version (`InjectionPatternSet`): proposed by an author,
evaluated, then activated. Activation is gated: every evaluator registered
in `PATTERN_SET_GATES` must pass on the version's own rules (the evaluation
app registers one, evals/pattern_gate.py: the adversarial set's frozen test
part and clean product records). One version is active at a time; the
input layer (safety/injection.py) reads it through `active_patterns()`,
which every process refreshes within `BEACON_INJECTION_PATTERNS_REFRESH_SECONDS`.

The shipped file (data/injection_patterns.json) seeds the table on every
migrate: its rules become a version when no version holds them, and the
active one when the rules in force came from an earlier shipped file (an
operator's own version stays in force until they choose otherwise). With
no row at all, or no database, the file itself is used.
"""

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from safety.models import InjectionPatternSet, PatternSetStatus

PATTERNS_FILE = Path(__file__).parent / "data" / "injection_patterns.json"
SHIPPED_AUTHOR = "shipped file"
REQUIRED_KEYS = ("id", "category", "weight", "regex")

Compiled = tuple[tuple[str, str, float, re.Pattern[str]], ...]


class PatternSetError(Exception):
    """A rule set that cannot be proposed or activated; the message says why."""


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


# Evaluators of a proposed rule set: (patterns) -> GateResult. The
# evaluation app registers its gate here (evals/apps.py); safety sits below
# it and never imports it.
PATTERN_SET_GATES: list[Callable[[list[dict[str, Any]]], GateResult]] = []


def patterns_hash(patterns: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(patterns, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def patterns_check(patterns: Any) -> list[dict[str, Any]]:
    """The rules, each complete, compiling and unable to match empty text
    (such a rule would flag every input)."""
    if not isinstance(patterns, list) or not patterns:
        raise PatternSetError("a rule set is a non-empty list of rules")
    seen: set[str] = set()
    for rule in patterns:
        if not isinstance(rule, dict) or any(key not in rule for key in REQUIRED_KEYS):
            raise PatternSetError(f"every rule needs {', '.join(REQUIRED_KEYS)}: {str(rule)[:80]}")
        if rule["id"] in seen:
            raise PatternSetError(f"rule id {rule['id']!r} is used twice")
        seen.add(rule["id"])
        if not isinstance(rule["weight"], int | float) or not 0 < float(rule["weight"]) <= 1:
            raise PatternSetError(f"rule {rule['id']}: weight must be in (0, 1]")
        try:
            compiled = re.compile(rule["regex"], re.IGNORECASE)
        except re.error as exc:
            raise PatternSetError(f"rule {rule['id']}: the regex does not compile: {exc}") from exc
        if compiled.search(""):
            raise PatternSetError(f"rule {rule['id']}: the regex matches empty text")
    return patterns


def patterns_compiled(patterns: list[dict[str, Any]]) -> Compiled:
    return tuple((p["id"], p["category"], float(p["weight"]), re.compile(p["regex"], re.IGNORECASE)) for p in patterns)


def shipped_patterns() -> list[dict[str, Any]]:
    return list(json.loads(PATTERNS_FILE.read_text())["patterns"])


def pattern_set_propose(*, patterns: Any, author: str, note: str = "") -> InjectionPatternSet:
    """A new draft version of the rules (or the existing version that holds exactly these rules)."""
    checked = patterns_check(patterns)
    digest = patterns_hash(checked)
    with transaction.atomic():
        existing = InjectionPatternSet.objects.filter(content_hash=digest).first()
        if existing is not None:
            return existing
        latest = InjectionPatternSet.objects.select_for_update().order_by("-version").first()
        return InjectionPatternSet.objects.create(
            version=(latest.version + 1) if latest else 1,
            patterns=checked,
            content_hash=digest,
            author=author,
            note=note,
        )


def pattern_set_evaluate(*, pattern_set: InjectionPatternSet) -> dict[str, Any]:
    """Run every registered gate on the version's rules and store the result."""
    if not PATTERN_SET_GATES:
        raise PatternSetError("no evaluation is registered for rule sets (is the evals app installed?)")
    results = [gate(pattern_set.patterns) for gate in PATTERN_SET_GATES]
    evaluation = {
        "passed": all(r.passed for r in results),
        "gates": [{"name": r.name, "passed": r.passed, "figures": r.figures, "reason": r.reason} for r in results],
        "contentHash": pattern_set.content_hash,
        "evaluatedAt": timezone.now().isoformat(),
    }
    InjectionPatternSet.objects.filter(pk=pattern_set.pk).update(evaluation=evaluation)
    pattern_set.evaluation = evaluation
    return evaluation


def pattern_set_activate(*, pattern_set: InjectionPatternSet, actor: str, gated: bool = True) -> InjectionPatternSet:
    """Make the version the one in force; the one before it is retired.
    Gated: only a version whose stored evaluation passed on its own rules, or
    one that was in force before (going back after a bad rule set must not
    wait on a gate that compares it with the bad one)."""
    evaluation = pattern_set.evaluation or {}
    passed = evaluation.get("passed") and evaluation.get("contentHash") == pattern_set.content_hash
    if gated and not passed and pattern_set.status != PatternSetStatus.RETIRED:
        failed = [g["name"] + ": " + g["reason"] for g in evaluation.get("gates", []) if not g["passed"]]
        why = "; ".join(failed) or "it has not been evaluated"
        raise PatternSetError(f"version {pattern_set.version} may not be activated: {why}")
    with transaction.atomic():
        InjectionPatternSet.objects.filter(status=PatternSetStatus.ACTIVE).exclude(pk=pattern_set.pk).update(
            status=PatternSetStatus.RETIRED
        )
        pattern_set.status = PatternSetStatus.ACTIVE
        pattern_set.activated_at = timezone.now()
        pattern_set.activated_by = actor
        pattern_set.save(update_fields=["status", "activated_at", "activated_by"])
    _cache.clear()
    return pattern_set


def pattern_set_seed() -> InjectionPatternSet:
    """The shipped file as a version; active when the rules in force are an
    earlier shipped file's, or nothing is active."""
    shipped = pattern_set_propose(
        patterns=shipped_patterns(), author=SHIPPED_AUTHOR, note="data/injection_patterns.json"
    )
    active = InjectionPatternSet.objects.filter(status=PatternSetStatus.ACTIVE).first()
    if active is None or (active.author == SHIPPED_AUTHOR and active.pk != shipped.pk):
        return pattern_set_activate(pattern_set=shipped, actor=SHIPPED_AUTHOR, gated=False)
    return shipped


_cache: dict[str, Any] = {}


def active_patterns() -> Compiled:
    """The compiled rules in force: the active version's, else the shipped file's."""
    now = time.monotonic()
    if _cache and now - _cache["checked"] < settings.BEACON_INJECTION_PATTERNS_REFRESH_SECONDS:
        return _cache["compiled"]
    try:
        row = InjectionPatternSet.objects.filter(status=PatternSetStatus.ACTIVE).values("version", "patterns").first()
    except (DatabaseError, RuntimeError):
        # No database here (a bare script, a test without one): the shipped rules.
        row = None
    version = row["version"] if row else 0
    if not _cache or _cache["version"] != version:
        _cache["compiled"] = patterns_compiled(row["patterns"] if row else shipped_patterns())
        _cache["version"] = version
    _cache["checked"] = now
    return _cache["compiled"]


def active_version() -> int:
    """The version `active_patterns()` last loaded (0: the shipped file, no database row)."""
    active_patterns()
    return int(_cache.get("version", 0))
