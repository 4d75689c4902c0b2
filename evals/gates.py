"""Launch gates: the ceilings and floors a run must meet before a template
version and route may go live (BEACON_EVAL_GATES, per dataset kind; the product's own ceilings
by default).

A gate is judged on the interval's pessimistic end, not the point value: a
ceiling holds only when the upper bound of the 95% interval is under it, a
floor only when the lower bound is over it. Few items therefore cannot pass
a strict gate by luck; the remedy is a larger set.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from evals.metrics import Rate


@dataclass(frozen=True)
class GateResult:
    metric: str
    limit: float
    kind: str  # "max" or "min"
    bound: float | None  # the interval end judged; None when the run lacks the metric
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "limit": self.limit,
            "kind": self.kind,
            "bound": self.bound,
            "passed": self.passed,
        }


def gates_for(dataset_kind: str) -> dict[str, dict[str, float]]:
    """The gates a run on this kind of dataset answers to (none for history)."""
    return dict(settings.BEACON_EVAL_GATES.get(dataset_kind) or {})


def gates_check(metrics: dict[str, Rate], gates: dict[str, dict[str, float]]) -> list[GateResult]:
    """Each gate against a run's rates. A gate whose metric the run did not
    measure fails: nothing passes unmeasured."""
    results = []
    for metric, gate in gates.items():
        rate = metrics.get(metric)
        if "max" in gate:
            bound = rate.high if rate and rate.total else None
            results.append(GateResult(metric, gate["max"], "max", bound, bound is not None and bound < gate["max"]))
        if "min" in gate:
            bound = rate.low if rate and rate.total else None
            results.append(GateResult(metric, gate["min"], "min", bound, bound is not None and bound >= gate["min"]))
    return results
