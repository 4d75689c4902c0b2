"""A run's report: one self-contained HTML page (plots embedded as PNG data
URIs, no external assets), linked from the run's admin page.

Plots: each rate with its 95% interval; cost against quality for every
completed run on the same dataset, with the Pareto frontier (no other run is
both cheaper and better); end-to-end and per-stage latency histograms.

Quality, for the scatter, is the mean of the run's accuracy-like rates that
it measured: 1 - hallucination, coverage, taxonomy top-1, moderation verdict
accuracy, 1 - injection success.
"""

import base64
import io
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory
import matplotlib.pyplot as plt

from evals.models import EvalRun, RunStatus
from evals.run_metrics import rates_from

QUALITY = {
    "hallucinationRate": True,
    "coverage": False,
    "taxonomyTop1": False,
    "moderationVerdictAccuracy": False,
    "injectionSuccessRate": True,
}  # metric: whether lower is better


def quality(run: EvalRun) -> float | None:
    rates = rates_from(run.metrics)
    parts = [
        1 - rates[m].value if inverted else rates[m].value
        for m, inverted in QUALITY.items()
        if m in rates and rates[m].total
    ]
    return sum(parts) / len(parts) if parts else None


def pareto(points: list[tuple[float, float, Any]]) -> list[tuple[float, float, Any]]:
    """Points (cost, quality, tag) that no other point beats on both."""
    front = [
        p for p in points if not any(o[0] <= p[0] and o[1] >= p[1] and (o[0], o[1]) != (p[0], p[1]) for o in points)
    ]
    return sorted(front, key=lambda p: p[0])


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _rates_plot(run: EvalRun) -> str:
    rates = {name: rate for name, rate in sorted(rates_from(run.metrics).items()) if rate.total}
    figure, axes = plt.subplots(figsize=(8, 0.4 * len(rates) + 1))
    names = list(rates)
    values = [rates[n].value for n in names]
    errors = [[rates[n].value - rates[n].low for n in names], [rates[n].high - rates[n].value for n in names]]
    axes.barh(names, values, xerr=errors, color="#4c72b0", capsize=3)
    axes.set_xlim(0, 1)
    axes.set_xlabel("rate (bars: 95% Wilson interval)")
    axes.invert_yaxis()
    return _png(figure)


def _pareto_plot(run: EvalRun) -> str:
    runs = EvalRun.objects.filter(dataset=run.dataset, status=RunStatus.COMPLETED)
    points = [
        ((r.metrics.get("costUsd") or {}).get("mean") or 0.0, q, r) for r in runs if (q := quality(r)) is not None
    ]
    figure, axes = plt.subplots(figsize=(6, 4))
    for cost, value, other in points:
        axes.scatter(cost, value, color="#dd8452" if other.id == run.id else "#4c72b0")
        axes.annotate(f"{other.template}/{other.route}", (cost, value), fontsize=7)
    front = pareto(points)
    axes.plot([p[0] for p in front], [p[1] for p in front], linestyle="--", color="grey", label="Pareto frontier")
    axes.set_xlabel("cost per job (USD)")
    axes.set_ylabel("quality (mean of accuracy-like rates)")
    axes.legend(loc="lower right", fontsize=7)
    return _png(figure)


def _latency_plot(run: EvalRun) -> str:
    outcomes = [r.outcome for r in run.results.all()]
    series = {"end to end": [o["totalMs"] / 1000 for o in outcomes if o.get("totalMs")]}
    for stage in ("prepare", "assemble", "generate", "validate", "decide", "finalize"):
        values = [o["latencyMs"][stage] / 1000 for o in outcomes if (o.get("latencyMs") or {}).get(stage)]
        if values:
            series[stage] = values
    figure, grid = plt.subplots(1, len(series), figsize=(3 * len(series), 2.6), squeeze=False)
    for axes, (name, values) in zip(grid[0], series.items(), strict=True):
        axes.hist(values or [0], bins=20, color="#55a868")
        axes.set_title(name, fontsize=9)
        axes.set_xlabel("seconds", fontsize=8)
    return _png(figure)


def _reliability_plot(bins: list[dict[str, Any]]) -> str:
    """Tagging confidence against the accuracy it met, with 95% intervals."""
    figure, axes = plt.subplots(figsize=(4.5, 4))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="calibrated")
    xs = [b["meanConfidence"] for b in bins]
    ys = [b["accuracy"]["value"] for b in bins]
    low = [y - b["accuracy"]["ci95"][0] for y, b in zip(ys, bins, strict=True)]
    high = [b["accuracy"]["ci95"][1] - y for y, b in zip(ys, bins, strict=True)]
    axes.errorbar(xs, ys, yerr=[low, high], marker="o", capsize=3, label="top-1 accuracy")
    for x, y, b in zip(xs, ys, bins, strict=True):
        axes.annotate(f"n={b['n']}", (x, y), textcoords="offset points", xytext=(5, -12), fontsize=8)
    axes.set(xlim=(0, 1), ylim=(0, 1.05), xlabel="confidence", ylabel="accuracy", title="Tagging reliability")
    axes.legend(loc="upper left", fontsize=8)
    return _png(figure)


def _sources_table(metrics: dict[str, Any]) -> str:
    rows = []
    for kind, part in (metrics.get("byTaskKind") or {}).items():
        for source, row in (part.get("fieldsBySource") or {}).items():
            precision = row["precision"]
            rows.append(
                [
                    kind,
                    source,
                    row["delivered"],
                    row["labelled"],
                    row["right"],
                    f"{precision['value']:.3f} [{precision['ci95'][0]:.3f}, {precision['ci95'][1]:.3f}]",
                    row["unlabelled"],
                    row["invented"],
                ]
            )
    head = [
        "task kind",
        "proposed by / confirmed",
        "delivered",
        "with a label",
        "right",
        "precision [95%]",
        "no label",
        "invented",
    ]
    return _table(rows, head) if rows else ""


def _table(rows: list[list[Any]], head: list[str]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>" + cells + "</table>"


def run_report(run: EvalRun) -> str:
    metrics = run.metrics or {}
    gates = _table(
        [[g["metric"], g["kind"], g["limit"], g["bound"], "pass" if g["passed"] else "FAIL"] for g in run.gates],
        ["gate", "kind", "limit", "interval end judged", "verdict"],
    )
    kinds = _table(
        [
            [
                kind,
                part["items"],
                *(
                    f"{part['rates'][m]['value']:.3f}" if m in part["rates"] else "-"
                    for m in (
                        "deliveredRate",
                        "reviewRate",
                        "hallucinationRate",
                        "coverage",
                        "taxonomyTop1",
                        "moderationVerdictAccuracy",
                        "injectionSuccessRate",
                    )
                ),
                (part.get("costUsd") or {}).get("mean"),
                (part.get("endToEndMs") or {}).get("p95"),
            ]
            for kind, part in (metrics.get("byTaskKind") or {}).items()
        ],
        [
            "task kind",
            "items",
            "delivered",
            "review",
            "hallucination",
            "coverage",
            "top-1",
            "verdict",
            "injection success",
            "cost/job",
            "p95 ms",
        ],
    )
    versions = ", ".join(f"{k} {v['version']}" for k, v in run.versions.items())
    plots = (
        ""
        if not metrics
        else (
            f"<h2>Rates</h2><img src='{_rates_plot(run)}'>"
            f"<h2>Cost and quality across runs on this dataset</h2><img src='{_pareto_plot(run)}'>"
            f"<h2>Latency</h2><img src='{_latency_plot(run)}'>"
        )
    )
    sources = _sources_table(metrics)
    if sources:
        plots += f"<h2>Extraction fields by the component that proposed them</h2>{sources}"
    bins = ((metrics.get("byTaskKind") or {}).get("taxonomy_tagging") or {}).get("confidenceReliability")
    if bins:
        plots += f"<h2>Tagging confidence</h2><img src='{_reliability_plot(bins)}'>"
    verdict = {True: "passed", False: "failed", None: "not finished"}[run.passed]
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Evaluation run {run.id}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px}}img{{max-width:100%}}</style></head><body>
<h1>Evaluation run {escape(str(run.id))}</h1>
<p>Dataset <b>{escape(str(run.dataset))}</b> ({escape(run.dataset.kind)}), template <b>{escape(run.template)}</b>
({escape(versions)}), route <b>{escape(run.route)}</b>, {metrics.get("items", 0)} items, {escape(run.status)},
gates <b>{verdict}</b>. Started {run.started_at:%Y-%m-%d %H:%M} UTC.</p>
<h2>Gates</h2>{gates}<h2>By task kind</h2>{kinds}{plots}</body></html>"""
