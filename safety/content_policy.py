"""Content policy: one interface, two implementations.

`HttpContentPolicy` calls BeaconCMS's existing policy service
(BEACON_CONTENT_POLICY_URL; POST {"text", "locale", "direction", "taskKind"},
answer {"flagged": bool, "categories": {name: score}}). `LocalContentPolicy`
is built in: a pattern list per category and language
(`data/content_policy.json`) plus the injection classifier as a
`prompt_injection` category. Either may be used on inputs and outputs; a
service that does not answer raises PolicyUnavailable and the caller applies
the task kind's fail-closed or fail-open rule.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import httpx
from django.conf import settings

from safety.classifier import classify

POLICY_FILE = Path(__file__).parent / "data" / "content_policy.json"


class PolicyUnavailable(Exception):
    """The policy service gave no verdict (timeout, connection, bad answer)."""


@dataclass
class PolicyVerdict:
    source: str
    categories: dict[str, float] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)

    @property
    def flagged_categories(self) -> list[str]:
        threshold = settings.BEACON_CONTENT_POLICY_FLAG_SCORE
        return sorted(name for name, score in self.categories.items() if score >= threshold)

    @property
    def flagged(self) -> bool:
        return bool(self.flagged_categories)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "flagged": self.flagged, "categories": self.categories, "rules": self.rules}


class ContentPolicy(Protocol):
    # True when `check` is a network call: the pipeline then makes it before
    # taking the job's row lock, never while holding it.
    remote: bool

    def check(self, text: str, *, locale: str, direction: str, task_kind: str) -> PolicyVerdict: ...


@cache
def _patterns() -> dict[str, tuple[float, dict[str, list[re.Pattern[str]]]]]:
    data = json.loads(POLICY_FILE.read_text(encoding="utf-8"))["categories"]
    return {
        name: (
            float(spec["weight"]),
            {
                lang: [re.compile(p, re.IGNORECASE) for p in patterns]
                for lang, patterns in spec.items()
                if lang != "weight"
            },
        )
        for name, spec in data.items()
    }


class LocalContentPolicy:
    source = "local"
    remote = False

    def check(self, text: str, *, locale: str, direction: str, task_kind: str) -> PolicyVerdict:
        language = locale.split("-")[0].lower()
        verdict = PolicyVerdict(source=self.source)
        for name, (weight, by_language) in _patterns().items():
            for lang in ("any", language):
                for index, pattern in enumerate(by_language.get(lang, [])):
                    if pattern.search(text):
                        verdict.categories[name] = max(verdict.categories.get(name, 0.0), weight)
                        verdict.rules.append(f"{name}/{lang}/{index}")
        # The classifier reads input: on model output it would only see the
        # model's own phrasing, which the output scan covers.
        if direction == "input":
            injection = classify(text)
            if injection.score >= settings.BEACON_INJECTION_CLASSIFIER_FLAG:
                verdict.categories["prompt_injection"] = injection.score
                verdict.rules.append(f"classifier/{injection.as_dict()['model']}")
        return verdict


class HttpContentPolicy:
    source = "service"
    remote = True

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout

    def check(self, text: str, *, locale: str, direction: str, task_kind: str) -> PolicyVerdict:
        payload = {"text": text, "locale": locale, "direction": direction, "taskKind": task_kind}
        try:
            response = httpx.post(self.url, json=payload, timeout=self.timeout)
            response.raise_for_status()
            body = response.json()
            categories = {str(name): float(score) for name, score in (body.get("categories") or {}).items()}
        except (httpx.HTTPError, ValueError, AttributeError, TypeError) as exc:
            # The class only: the service's address is the deployment's business, not the job's record.
            raise PolicyUnavailable(f"content policy service: {type(exc).__name__}") from exc
        verdict = PolicyVerdict(source=self.source, categories=categories, rules=["service"])
        if body.get("flagged") and not verdict.flagged:
            # The service flagged without scores: record it as a full hit.
            verdict.categories["service_flagged"] = 1.0
        return verdict


def content_policy() -> ContentPolicy:
    if settings.BEACON_CONTENT_POLICY_URL:
        return HttpContentPolicy(settings.BEACON_CONTENT_POLICY_URL, settings.BEACON_CONTENT_POLICY_TIMEOUT_SECONDS)
    return LocalContentPolicy()
