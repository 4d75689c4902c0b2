"""Prompt-injection defence, input layer 1: a pattern set maintained as data
(versions in the database, safety/patterns.py).

The input is scanned as given, after normalization (zero-width and other
invisible characters removed, look-alike letters folded, as grounding does),
and in every decoded view of the encodings an attacker uses to smuggle text
past filters (safety/decoding.py: base64, base32, hex, percent-encoding,
Unicode tags, Morse, Braille, NATO spelling, reversed and shifted text,
l33tspeak, s p a c e d letters). Each hit adds its weight; the score is
capped at 1. Readable text that only an encoding shows, invisible
characters and homoglyph mixing are signals of their own.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from common.text import INVISIBLE, normalize_text
from safety.classifier import classify
from safety.decoding import BASE64_RUN, decoded_views
from safety.patterns import Compiled, active_patterns

SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
MIXED_SCRIPT_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0400-\u04ff\u0370-\u03ff])\w+\b")


@dataclass(frozen=True)
class Hit:
    rule: str
    category: str
    weight: float
    layer: str  # "as given", "normalized", "base64", "rot13", "leetspeak", "spaced", "signal"

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "category": self.category, "weight": self.weight, "layer": self.layer}


@dataclass
class InjectionReport:
    hits: list[Hit] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(min(1.0, sum(hit.weight for hit in self.hits)), 3)

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "hits": [hit.as_dict() for hit in self.hits]}


def scan_text(text: str, rules: Compiled | None = None, joined: str = "") -> InjectionReport:
    """The rules in force (or `rules`, a version being evaluated) on the text
    and its decoded views; `joined` is one more view (the fields' values run
    together, scan_parameters)."""
    report = InjectionReport()
    fired: set[str] = set()
    normalized = normalize_text(text)
    views = [("as given", text, False), ("normalized", normalized, False), *decoded_views(normalized)]
    if joined:
        views.append(("fields joined", normalize_text(joined), False))
    for layer, candidate, _ in views:
        for rule, category, weight, pattern in rules or active_patterns():
            if rule not in fired and pattern.search(candidate):
                fired.add(rule)
                report.hits.append(Hit(rule, category, weight, layer))
    hidden = next((layer for layer, _, concealed in views if concealed), None)
    if hidden:
        # Readable text that only an encoding shows: concealment is the finding.
        report.hits.append(Hit("hidden-text", "obfuscation", 0.5, hidden))
    if INVISIBLE.search(text):
        report.hits.append(Hit("invisible-characters", "obfuscation", 0.3, "signal"))
    if MIXED_SCRIPT_WORD.search(text):
        report.hits.append(Hit("mixed-script-word", "obfuscation", 0.3, "signal"))
    return report


def _texts(value: Any) -> list[str]:
    """Every string a value holds, dictionary keys included: the prompt
    renders a producer's product object whole (`tojson`), names and all."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (str(key), *_texts(item))]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return [str(value)] if value is not None else []


def parameters_text(parameters: dict[str, Any]) -> str:
    """Every free-text field a prompt will carry: content, product metadata
    (keys and values), reference documents."""
    parts = [str(parameters.get("content", ""))]
    product = parameters.get("product") or {}
    if isinstance(product, dict):
        parts += _texts(product)
    parts += [f"{doc.get('title', '')}\n{doc.get('text', '')}" for doc in parameters.get("reference_documents") or []]
    return "\n".join(parts)


def _values(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _values(item)]
    if isinstance(value, list):
        return [text for item in value for text in _values(item)]
    return [str(value)] if value is not None else []


def fields_joined(parameters: dict[str, Any]) -> str:
    """The fields' values (no keys) run together on one line: an order split
    across fields (half in the title, half in a spec) reads as one sentence
    here, as it does to a model that reads the whole prompt."""
    parts = [str(parameters.get("content", "")), *_values(parameters.get("product") or {})]
    parts += [f"{doc.get('title', '')} {doc.get('text', '')}" for doc in parameters.get("reference_documents") or []]
    return " ".join(" ".join(parts).split())


def scan_parameters(parameters: dict[str, Any], rules: Compiled | None = None) -> InjectionReport:
    return scan_text(parameters_text(parameters), rules, joined=fields_joined(parameters))


def injection_decision(rules_score: float, classifier_score: float) -> str:
    """block, flag or allow, from the rules' score and the classifier's, by
    the thresholds in settings; the same for jobs and template tests."""
    if (
        rules_score >= settings.BEACON_INJECTION_BLOCK_SCORE
        or classifier_score >= settings.BEACON_INJECTION_CLASSIFIER_BLOCK
    ):
        return "block"
    if (
        rules_score >= settings.BEACON_INJECTION_FLAG_SCORE
        or classifier_score >= settings.BEACON_INJECTION_CLASSIFIER_FLAG
    ):
        return "flag"
    return "allow"


def passage_suspicious(passage: str, classifier_flag: float) -> bool:
    return bool(scan_text(passage).hits) or classify(passage).score >= classifier_flag


def sanitize_text(text: str, classifier_flag: float) -> tuple[str, int]:
    """Drop the sentences that fire a rule or the classifier; keep the rest."""
    kept, removed = [], 0
    for line in text.split("\n"):
        sentences = SENTENCE_SPLIT.split(line)
        clean = [s for s in sentences if not passage_suspicious(s, classifier_flag)]
        removed += len(sentences) - len(clean)
        kept.append(" ".join(clean))
    sanitized = "\n".join(kept)
    for run in BASE64_RUN.findall(sanitized):
        if any(layer == "base64" for layer, _, _ in decoded_views(run)) and scan_text(run).hits:
            sanitized, removed = sanitized.replace(run, ""), removed + 1
    return sanitized.strip(), removed


def sanitize_parameters(parameters: dict[str, Any], classifier_flag: float) -> tuple[dict[str, Any], int]:
    """The free-text fields of `parameters` with suspicious sentences removed."""
    sanitized = dict(parameters)
    removed = 0

    def clean(value: Any) -> Any:
        nonlocal removed
        if not isinstance(value, str):
            return value
        text, count = sanitize_text(value, classifier_flag)
        removed += count
        return text

    sanitized["content"] = clean(parameters.get("content", ""))
    if isinstance(parameters.get("product"), dict):
        sanitized["product"] = {key: clean(value) for key, value in parameters["product"].items()}
    if parameters.get("reference_documents"):
        sanitized["reference_documents"] = [
            {**doc, **{key: clean(doc[key]) for key in ("title", "text") if key in doc}}
            for doc in parameters["reference_documents"]
        ]
    return sanitized, removed
