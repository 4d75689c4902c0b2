"""Evaluation metrics on per-item outcomes, each with a confidence interval.

Rates use the Wilson score interval: it stays inside [0, 1] and is honest for
the small counts and the rates near zero that launch gates care about (0
failures in 125 is not "0%": the two-sided 95% interval reaches 3.0%).

Hallucination is measured on *delivered* grounded fields, with coverage
beside it, so a run cannot pass the gate by abstaining: a field left null is
not a hallucination, but it is not coverage either.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    hits: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": round(self.value, 4),
            "hits": self.hits,
            "total": self.total,
            "ci95": [round(self.low, 4), round(self.high, 4)],
        }


def wilson(hits: int, total: int, z: float = Z_95) -> Rate:
    if total == 0:
        return Rate(0, 0, 0.0, 1.0)
    p = hits / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return Rate(hits, total, max(0.0, centre - spread), min(1.0, centre + spread))


def normalized(value: Any) -> str:
    """Case, accents, punctuation and spacing do not make two values differ."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass(frozen=True)
class FieldOutcome:
    """One grounded field of one item: what was expected and delivered."""

    field: str
    expected: Any  # None: the source does not state it
    delivered: Any  # None: the model abstained
    supported_by_source: bool = False  # the delivered value occurs in the item's source
    source: str = ""  # which component proposed the delivered value (extraction's proposedBy)
    confirmed: bool | None = None  # whether the model chose it


def hallucination(outcomes: list[FieldOutcome]) -> dict[str, Rate]:
    """A delivered value is a hallucination when it matches neither the
    expected value nor the source. Coverage: expected fields delivered
    correctly, over expected fields."""
    delivered = [o for o in outcomes if o.delivered is not None]
    invented = [
        o
        for o in delivered
        if not o.supported_by_source and (o.expected is None or normalized(o.delivered) != normalized(o.expected))
    ]
    expected = [o for o in outcomes if o.expected is not None]
    covered = [o for o in expected if o.delivered is not None and normalized(o.delivered) == normalized(o.expected)]
    return {"hallucinationRate": wilson(len(invented), len(delivered)), "coverage": wilson(len(covered), len(expected))}


def field_scores(outcomes: list[FieldOutcome]) -> dict[str, dict[str, Any]]:
    """Exact and normalized match, precision and recall per field name."""
    by_field: dict[str, list[FieldOutcome]] = {}
    for outcome in outcomes:
        by_field.setdefault(outcome.field, []).append(outcome)
    scores = {}
    for name, rows in sorted(by_field.items()):
        delivered = [r for r in rows if r.delivered is not None]
        expected = [r for r in rows if r.expected is not None]
        exact = [r for r in delivered if r.expected is not None and r.delivered == r.expected]
        right = [r for r in delivered if r.expected is not None and normalized(r.delivered) == normalized(r.expected)]
        scores[name] = {
            "exactMatch": wilson(len(exact), len(rows)).as_dict(),
            "normalizedMatch": wilson(len(right), len(rows)).as_dict(),
            "precision": wilson(len(right), len(delivered)).as_dict(),
            "recall": wilson(len(right), len(expected)).as_dict(),
        }
    return scores


def label_scores(pairs: list[tuple[set[str], set[str]]]) -> dict[str, float]:
    """Micro precision, recall and F1 of predicted label sets against expected
    ones (tagging paths, moderation categories)."""
    true_positive = sum(len(predicted & expected) for predicted, expected in pairs)
    predicted_total = sum(len(predicted) for predicted, _ in pairs)
    expected_total = sum(len(expected) for _, expected in pairs)
    precision = true_positive / predicted_total if predicted_total else 0.0
    recall = true_positive / expected_total if expected_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
