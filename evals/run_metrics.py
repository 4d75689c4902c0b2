"""A run's metrics from its per-item outcomes (evals/scoring.py), overall and
per task kind. Rates carry Wilson intervals; costs and latencies carry their
spread (mean, p50, p95)."""

import itertools
import math
import statistics
from collections import defaultdict
from typing import Any

from evals.metrics import FieldOutcome, Rate, field_scores, hallucination, label_scores, wilson
from validation.grounding import normalize


def _rate(rows: list[dict[str, Any]], key: str) -> Rate:
    return wilson(sum(bool(r.get(key)) for r in rows), len(rows))


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the value below which `share` of them lie."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _spread(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 6) if values else None,
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
    }


def _fields(rows: list[dict[str, Any]]) -> list[FieldOutcome]:
    return [FieldOutcome(**f) for r in rows for f in r.get("fields") or []]


def rates_of(rows: list[dict[str, Any]]) -> dict[str, Rate]:
    """Every rate a gate may name, for these items. A rate with no items
    (total 0) counts as unmeasured."""
    delivered = [r for r in rows if r.get("delivered")]
    candidates = [r for r in rows if r.get("validFinal")]
    rates = {
        "deliveredRate": _rate(rows, "delivered"),
        "reviewRate": _rate(rows, "reviewed"),
        "refusalRate": _rate(rows, "refused"),
        "failureRate": wilson(sum(r.get("jobStatus") == "failed" for r in rows), len(rows)),
        "schemaValidFirstAttempt": _rate(rows, "validFirstAttempt"),
        "schemaValidFinal": _rate(rows, "validFinal"),
    }
    graded = [r for r in rows if "expectedFields" in r]
    if graded:
        rates["hallucinationRate"] = hallucination(_fields(delivered))["hallucinationRate"]
        # Coverage counts every graded item: a job that failed or was held
        # for review delivered nothing, which is no coverage.
        abstained = [
            FieldOutcome(name, value, None)
            for r in graded
            if not r.get("delivered")
            for name, value in r["expectedFields"].items()
            if value is not None
        ]
        rates["coverage"] = hallucination(_fields(delivered) + abstained)["coverage"]
        rates["candidateHallucinationRate"] = hallucination(_fields(candidates))["hallucinationRate"]
    tagging = [r for r in rows if r.get("taskKind") == "taxonomy_tagging" and "injectionSucceeded" not in r]
    if tagging:
        rates["taxonomyTop1"] = wilson(sum(bool((r.get("labels") or {}).get("top1")) for r in tagging), len(tagging))
    moderation = [r for r in rows if r.get("taskKind") == "moderation_summary" and "injectionSucceeded" not in r]
    if moderation:
        right = sum(bool((r.get("labels") or {}).get("verdictCorrect")) for r in moderation)
        rates["moderationVerdictAccuracy"] = wilson(right, len(moderation))
    attacks = [r for r in rows if "injectionSucceeded" in r]
    if attacks:
        rates["injectionSuccessRate"] = _rate(attacks, "injectionSucceeded")
    return rates


def run_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row.get("taskKind", "")].append(row)
    return {
        "items": len(rows),
        **_summary(rows),
        "byTaskKind": {
            kind: {"items": len(kind_rows), **_summary(kind_rows)} for kind, kind_rows in sorted(by_kind.items())
        },
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    stages = sorted({stage for r in rows for stage in (r.get("latencyMs") or {})})
    summary: dict[str, Any] = {
        "rates": {name: rate.as_dict() for name, rate in rates_of(rows).items()},
        "costUsd": {
            **_spread([r.get("costUsd", 0.0) for r in rows]),
            "total": round(sum(r.get("costUsd", 0.0) for r in rows), 6),
        },
        "latencyMs": {
            stage: _spread([r["latencyMs"][stage] for r in rows if (r.get("latencyMs") or {}).get(stage) is not None])
            for stage in stages
        },
        "endToEndMs": _spread([r["totalMs"] for r in rows if r.get("totalMs") is not None]),
    }
    fields = _fields([r for r in rows if r.get("delivered")])
    if fields:
        summary["fields"] = field_scores(fields)
    if any(f.source for f in fields):
        summary["fieldsBySource"] = fields_by_source(fields)
    reliability = confidence_reliability(rows)
    if reliability:
        summary["confidenceReliability"] = reliability
    for kind in ("taxonomy_tagging", "moderation_summary"):
        pairs = [
            (set(r["labels"]["predicted"]), set(r["labels"]["expected"]))
            for r in rows
            if r.get("taskKind") == kind and r.get("labels")
        ]
        if pairs:
            summary.setdefault("labels", {})[kind] = label_scores(pairs)
    return summary


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and normalize(a) == normalize(b)


def fields_by_source(fields: list[FieldOutcome]) -> dict[str, dict[str, Any]]:
    """Delivered extraction fields per proposing component and per whether
    the model confirmed them: how many, how many match a stated label, how
    many differ from one, how many have no label (the source does not state
    the attribute by the labelling rules), how many are invented."""
    groups: dict[str, list[FieldOutcome]] = defaultdict(list)
    for field in fields:
        if field.delivered is None:
            continue
        groups[field.source or "unknown"].append(field)
        groups["confirmed" if field.confirmed else "not confirmed"].append(field)
    table = {}
    for name, group in sorted(groups.items()):
        labelled = [f for f in group if f.expected is not None]
        right = sum(_same(f.delivered, f.expected) for f in labelled)
        table[name] = {
            "delivered": len(group),
            "labelled": len(labelled),
            "right": right,
            "precision": wilson(right, len(labelled)).as_dict(),
            "unlabelled": len(group) - len(labelled),
            "invented": sum(not f.supported_by_source and not _same(f.delivered, f.expected) for f in group),
        }
    return table


CONFIDENCE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def confidence_reliability(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tagging: accuracy of the first category per confidence bin (a
    reliability diagram's points); empty without confidences."""
    tagged = [r["labels"] for r in rows if r.get("taskKind") == "taxonomy_tagging" and r.get("labels")]
    pairs = [(float(t["confidence"]), bool(t.get("top1"))) for t in tagged if t.get("confidence") is not None]
    bins = []
    for low, high in itertools.pairwise(CONFIDENCE_BINS):
        inside = [right for confidence, right in pairs if low <= confidence < high]
        if inside:
            mean = statistics.fmean(c for c, _ in pairs if low <= c < high)
            bins.append(
                {
                    "low": low,
                    "high": min(high, 1.0),
                    "n": len(inside),
                    "meanConfidence": round(mean, 3),
                    "accuracy": wilson(sum(inside), len(inside)).as_dict(),
                }
            )
    return bins


def rates_from(metrics: dict[str, Any]) -> dict[str, Rate]:
    """The stored rates back as Rate objects (gates, comparisons)."""
    return {
        name: Rate(r["hits"], r["total"], r["ci95"][0], r["ci95"][1])
        for name, r in (metrics.get("rates") or {}).items()
    }
