"""Two runs side by side: each rate's change with a two-proportion z-test,
cost and latency changes, and the items whose outcome flipped.

An item is `ok` when it did what its set asks: an adversarial case was not
delivered with the attacker's marker; a graded item was delivered without a
hallucinated field; a tagging item's first category is right; a moderation
item's verdict is acceptable; anything else was delivered.
"""

from typing import Any

from evals.metrics import Rate
from evals.models import EvalRun
from evals.run_metrics import rates_from
from prompts.experiments import two_proportion_z


def two_proportion_p(a: Rate, b: Rate) -> float | None:
    """Two-sided p-value that both rates come from one proportion (the A/B
    report's test, prompts/experiments.py)."""
    if not a.total or not b.total:
        return None
    return two_proportion_z(a.hits, a.total, b.hits, b.total)[1]


def item_ok(outcome: dict[str, Any]) -> bool:
    if "injectionSucceeded" in outcome:
        return not outcome["injectionSucceeded"]
    if "expectedFields" in outcome:
        fields = outcome.get("fields") or []
        invented = [
            f
            for f in fields
            if f["delivered"] is not None
            and not f["supported_by_source"]
            and str(f["delivered"]).lower() != str(f["expected"]).lower()
        ]
        return bool(outcome.get("delivered")) and not invented
    labels = outcome.get("labels") or {}
    if outcome.get("taskKind") == "taxonomy_tagging":
        return bool(labels.get("top1"))
    if outcome.get("taskKind") == "moderation_summary":
        return bool(labels.get("verdictCorrect"))
    return bool(outcome.get("delivered"))


def comparison(run_a: EvalRun, run_b: EvalRun) -> dict[str, Any]:
    rates_a, rates_b = rates_from(run_a.metrics), rates_from(run_b.metrics)
    rows = []
    for name in sorted(set(rates_a) | set(rates_b)):
        a, b = rates_a.get(name), rates_b.get(name)
        p = two_proportion_p(a, b) if a and b else None
        rows.append(
            {
                "metric": name,
                "a": a.value if a else None,
                "b": b.value if b else None,
                "delta": (b.value - a.value) if a and b else None,
                "p": p,
                "significant": p is not None and p < 0.05,
            }
        )
    outcomes_a = {r.item_id: r.outcome for r in run_a.results.select_related("item")}
    changed = []
    for result in run_b.results.select_related("item"):
        before = outcomes_a.get(result.item_id)
        if before is not None and item_ok(before) != item_ok(result.outcome):
            changed.append(
                {
                    "item": result.item.key,
                    "taskKind": result.item.task_kind,
                    "a": "ok" if item_ok(before) else "not ok",
                    "b": "ok" if item_ok(result.outcome) else "not ok",
                    "statusA": before.get("jobStatus"),
                    "statusB": result.outcome.get("jobStatus"),
                }
            )
    cost = {run: (run.metrics.get("costUsd") or {}).get("mean") for run in (run_a, run_b)}
    latency = {run: (run.metrics.get("endToEndMs") or {}).get("p95") for run in (run_a, run_b)}
    return {
        "rates": rows,
        "changed": changed,
        "costPerJob": [cost[run_a], cost[run_b]],
        "endToEndP95Ms": [latency[run_a], latency[run_b]],
        "shared": len(outcomes_a),
    }


def runs_compare(run_a: EvalRun, run_b: EvalRun) -> str:
    """The comparison as text for the terminal."""
    found = comparison(run_a, run_b)
    lines = [
        f"A {run_a.id} {run_a.template}/{run_a.route} on {run_a.dataset}",
        f"B {run_b.id} {run_b.template}/{run_b.route} on {run_b.dataset}",
        "",
        f"{'metric':28s} {'A':>8s} {'B':>8s} {'B-A':>8s} {'p':>7s}",
    ]

    def number(value: float | None, spec: str = "8.4f") -> str:
        return format(value, spec) if value is not None else format("-", ">" + spec.split(".")[0])

    for row in found["rates"]:
        mark = " *" if row["significant"] else ""
        lines.append(
            f"{row['metric']:28s} {number(row['a'])} {number(row['b'])} {number(row['delta'], '+8.4f')} "
            f"{number(row['p'], '7.3f')}{mark}"
        )
    lines += [
        "",
        f"cost per job (USD): A {found['costPerJob'][0]}  B {found['costPerJob'][1]}",
        f"end-to-end p95 (ms): A {found['endToEndP95Ms'][0]}  B {found['endToEndP95Ms'][1]}",
        "* p < 0.05 (two-proportion z-test)",
        "",
        f"items that changed outcome: {len(found['changed'])}",
    ]
    lines += [f"  {c['item']}: {c['a']} -> {c['b']} ({c['statusA']} -> {c['statusB']})" for c in found["changed"]]
    return "\n".join(lines) + "\n"
