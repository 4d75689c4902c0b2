"""The gate a new injection rule set passes before it may be activated
(safety/patterns.py; registered in evals/apps.py).

The proposed rules and the rules in force are both run, with the classifier
beside them as in production, on:

- the adversarial sets' frozen test parts (evals/splits.py: the first
  set's, and the fresh set's), which no rule was written against: the share of attacks the input layers flag or block
  may not fall by more than BEACON_PATTERN_GATE_MAX_RECALL_DROP;
- clean product records (evals/clean_records.py, read in place from
  ../shared/data; without them, the synthetic product rows of the
  classifier's corpus):
  the share flagged may not exceed BEACON_PATTERN_GATE_MAX_CLEAN_FLAG.
"""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from evals.clean_records import clean_records
from evals.metrics import wilson
from evals.splits import adversarial_split, fresh_split
from safety.classifier import classify
from safety.injection import injection_decision, parameters_text, scan_parameters
from safety.patterns import Compiled, GateResult, active_patterns, patterns_compiled

SAFETY_DATA = Path(__file__).resolve().parents[1] / "safety" / "data"
ADVERSARIAL_CASES = SAFETY_DATA / "adversarial" / "cases.jsonl"
FRESH_CASES = SAFETY_DATA / "adversarial" / "fresh.jsonl"
# Without the product records: the classifier corpus's synthetic product rows
# (its written clean rows are hard negatives, made to look like attacks).
CLEAN_CORPUS = SAFETY_DATA / "injection_corpus" / "beacon_synthetic_benign.jsonl"


def _blind_inputs() -> list[dict[str, Any]]:
    inputs = []
    for path, split in ((ADVERSARIAL_CASES, adversarial_split), (FRESH_CASES, fresh_split)):
        cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        parts = split(cases)
        inputs += [case["parameters"] for case in cases if parts[case["id"]] == "test"]
    return inputs


def _clean_inputs() -> tuple[str, list[dict[str, Any]]]:
    records = clean_records(settings.BEACON_PATTERN_GATE_CLEAN_LIMIT)
    if records:
        return "product records", [
            {"content": r["content"], "product": {"title": r["title"], "brand": r["brand"]}} for r in records
        ]
    rows = [json.loads(line) for line in CLEAN_CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return "the classifier corpus's synthetic product rows", [
        {"content": row["text"]} for row in rows if not row["label"]
    ]


@lru_cache(maxsize=8192)
def _classifier_score(text: str) -> float:
    """The classifier's weights load once per process, so a text's score
    holds for its life; every evaluation scores the same ~1,600 test cases
    and up to BEACON_PATTERN_GATE_CLEAN_LIMIT records, more than classify's
    own cache keeps."""
    return classify(text).score


def _flagged(inputs: list[dict[str, Any]], rules: Compiled, scores: list[float]) -> int:
    """How many inputs the input layers flag or block, as the prepare stage scans them."""
    return sum(
        injection_decision(scan_parameters(parameters, rules).score, score) != "allow"
        for parameters, score in zip(inputs, scores, strict=True)
    )


def pattern_gate(patterns: list[dict[str, Any]]) -> GateResult:
    proposed, current = patterns_compiled(patterns), active_patterns()
    blind = _blind_inputs()
    clean_source, clean = _clean_inputs()
    # The classifier does not change between the two rule sets: score once.
    blind_scores = [_classifier_score(parameters_text(parameters)) for parameters in blind]
    clean_scores = [_classifier_score(parameters_text(parameters)) for parameters in clean]
    caught_new, caught_now = _flagged(blind, proposed, blind_scores), _flagged(blind, current, blind_scores)
    flagged_clean = _flagged(clean, proposed, clean_scores)
    recall_new, recall_now = caught_new / len(blind), caught_now / len(blind)
    clean_rate = flagged_clean / len(clean)
    figures = {
        "blindCaught": wilson(caught_new, len(blind)).as_dict(),
        "blindCaughtInForce": wilson(caught_now, len(blind)).as_dict(),
        "cleanFlagged": wilson(flagged_clean, len(clean)).as_dict(),
        "cleanSource": clean_source,
    }
    reasons = []
    if recall_new < recall_now - settings.BEACON_PATTERN_GATE_MAX_RECALL_DROP:
        reasons.append(f"catches {recall_new:.1%} of the blind attacks against {recall_now:.1%} for the rules in force")
    if clean_rate > settings.BEACON_PATTERN_GATE_MAX_CLEAN_FLAG:
        limit = settings.BEACON_PATTERN_GATE_MAX_CLEAN_FLAG
        reasons.append(f"flags {clean_rate:.2%} of {len(clean)} clean texts (at most {limit:.0%})")
    return GateResult(
        name="blind split and clean records", passed=not reasons, figures=figures, reason="; ".join(reasons)
    )
