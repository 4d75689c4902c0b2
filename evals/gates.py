"""Launch gates: the ceilings and floors a run must meet before a template
version and route may go live (BEACON_EVAL_GATES; the product's own ceilings
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
        return {"metric": self.metric, "limit": self.limit, "kind": self.kind, "bound": self.bound,
                "passed": self.passed}  # fmt: skip


def gates_check(metrics: dict[str, Rate], gates: dict[str, dict[str, float]] | None = None) -> list[GateResult]:
    """Each configured gate against a run's rates. A gate whose metric the run
    did not measure fails: nothing passes unmeasured."""
    results = []
    for metric, gate in (gates if gates is not None else settings.BEACON_EVAL_GATES).items():
        rate = metrics.get(metric)
        if "max" in gate:
            bound = rate.high if rate and rate.total else None
            results.append(GateResult(metric, gate["max"], "max", bound, bound is not None and bound < gate["max"]))
        if "min" in gate:
            bound = rate.low if rate and rate.total else None
            results.append(GateResult(metric, gate["min"], "min", bound, bound is not None and bound >= gate["min"]))
    return results
