"""Online monitors: live jobs per template version (and per version and
deployment) over a window, against thresholds in configuration
(BEACON_EVAL_MONITORS); run on beat.

A breach is an alert (a log line, a MonitorAlert row and, when configured, a
webhook) at most once per window for the same version, deployment and
metric. When the metric is one of `rollbackOn`, the group is the whole
version, the template allows it (`auto_rollback`) and production points at
that version, the production label moves back to where it was before, with
the breach as the move's reason.
"""

import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from evals.metrics import Rate, wilson
from evals.models import MonitorAlert
from evals.run_metrics import percentile
from evals.runner import EVAL_ORGANIZATION
from jobs.models import TERMINAL_STATUSES, Job, JobEvent, JobResult
from jobs.selectors import reviewed_annotated
from prompts.models import TemplateLabel, TemplateVersion
from prompts.services import PRODUCTION, TemplateError, label_rollback

logger = logging.getLogger("beacon.evals.monitors")
SETTLED = {str(s) for s in TERMINAL_STATUSES} | {"reviewing"}


@dataclass(frozen=True)
class Reading:
    version_id: Any
    deployment: str  # "" for the version as a whole
    metric: str
    value: float
    rate: Rate | None  # None for cost and latency, judged on the value
    jobs: int


def _group_readings(version_id: Any, deployment: str, rows: list[dict[str, Any]], now: datetime) -> list[Reading]:
    settled = [r for r in rows if r["status"] in SETTLED]
    reviewed = [r for r in settled if r["reviewed"]]
    # A refusal is the model's structured "no", measured on its own, not a validation failure.
    validated = [r for r in settled if r["validated"] is not None and not r["refused"]]
    finished = [r for r in settled if r["finished_at"]]
    rates = {
        "validationPassRate": wilson(sum(bool(r["validated"]) for r in validated), len(validated)),
        "reviewRate": wilson(len(reviewed), len(settled)),
        "rejectionRate": wilson(sum(r["status"] == "rejected" for r in reviewed), len(reviewed)),
        "refusalRate": wilson(sum(r["refused"] for r in settled), len(settled)),
        "injectionBlockRate": wilson(
            sum((r["error"] or {}).get("code") == "injection_blocked" for r in settled), len(settled)
        ),
    }
    for minutes in (2, 10):
        # A job counts once it is done or older than the SLA: late and unfinished is a miss.
        due = [r for r in rows if r["finished_at"] or r["created_at"] <= now - timedelta(minutes=minutes)]
        met = [r for r in due if r["finished_at"] and r["finished_at"] - r["created_at"] <= timedelta(minutes=minutes)]
        rates[f"slaWithin{minutes}Minutes"] = wilson(len(met), len(due))
    readings = [
        Reading(version_id, deployment, name, rate.value, rate, len(settled))
        for name, rate in rates.items()
        if rate.total
    ]
    if settled:
        cost = statistics.fmean(float(r["cost_usd"]) for r in settled)
        readings.append(Reading(version_id, deployment, "costPerJobUsd", cost, None, len(settled)))
    latencies = [(r["finished_at"] - r["created_at"]).total_seconds() for r in finished]
    if latencies:
        p95 = percentile(latencies, 0.95) or 0.0
        readings.append(Reading(version_id, deployment, "p95LatencySeconds", p95, None, len(settled)))
    return readings


def live_readings(*, window_minutes: int, now: datetime | None = None) -> list[Reading]:
    """Every monitored metric per template version and per (version, deployment)."""
    now = now or timezone.now()
    window = Job.objects.filter(created_at__gte=now - timedelta(minutes=window_minutes), prompt_version__isnull=False)
    fields = ("id", "prompt_version_id", "status", "error", "cost_usd", "created_at", "finished_at", "was_reviewed")
    # `was_reviewed` is reviewed_annotated's annotation, which the type checker cannot see.
    jobs = list(reviewed_annotated(window.exclude(organization__slug=EVAL_ORGANIZATION)).values(*fields))
    ids = [j["id"] for j in jobs]
    deployment: dict[Any, str] = {}
    refused = set()
    events = JobEvent.objects.filter(job_id__in=ids, type__in=["model_called", "refusal"])
    for job_id, kind, data in events.order_by("id").values_list("job_id", "type", "data"):
        if kind == "model_called":
            deployment[job_id] = str((data or {}).get("deployment") or "")
        else:
            refused.add(job_id)
    outputs = dict(JobResult.objects.filter(job_id__in=ids).values_list("job_id", "output"))
    groups: dict[tuple[Any, str], list[dict[str, Any]]] = defaultdict(list)
    for job in jobs:
        row = {
            **job,
            "refused": job["id"] in refused,
            "reviewed": job["was_reviewed"],
            "validated": (outputs[job["id"]] is not None) if job["id"] in outputs else None,
        }
        groups[(job["prompt_version_id"], "")].append(row)
        if job["id"] in deployment:
            groups[(job["prompt_version_id"], deployment[job["id"]])].append(row)
    return [
        reading for (version, name), rows in groups.items() for reading in _group_readings(version, name, rows, now)
    ]


def breached(reading: Reading, threshold: dict[str, float]) -> tuple[bool, float | None, str, float]:
    """(breached, the bound judged, direction, limit). Rates breach only when
    the whole interval is past the limit."""
    direction = "max" if "max" in threshold else "min"
    limit = threshold[direction]
    if reading.rate is None:
        bound = None
        value = reading.value
    else:
        bound = reading.rate.low if direction == "max" else reading.rate.high
        value = bound
    return (value > limit if direction == "max" else value < limit), bound, direction, limit


def alert_send(alert: MonitorAlert) -> None:
    body = {
        "type": "evaluation.monitor_breach",
        "metric": alert.metric,
        "value": alert.value,
        "bound": alert.bound,
        "threshold": alert.threshold,
        "direction": alert.direction,
        "jobs": alert.jobs,
        "windowMinutes": alert.window_minutes,
        "template": alert.template_version.template.name,
        "version": alert.template_version.version,
        "deployment": alert.deployment,
        "organization": str(alert.organization_id or ""),
        "action": str(alert.action),
        "detail": alert.detail,
    }
    logger.warning("monitor breach: %s", body)
    if settings.BEACON_EVAL_ALERT_WEBHOOK:
        try:
            httpx.post(settings.BEACON_EVAL_ALERT_WEBHOOK, json=body, timeout=5).raise_for_status()
        except httpx.HTTPError as exc:
            # The log line above and the alert row still say it.
            logger.error("monitor alert webhook failed: %s", type(exc).__name__)


def _rollback(version: TemplateVersion, why: str) -> tuple[MonitorAlert.Action, str]:
    template = version.template
    if not template.auto_rollback:
        return MonitorAlert.Action.ALERTED, "the template does not allow automatic rollback"
    label = TemplateLabel.objects.filter(template=template, name=PRODUCTION).first()
    if label is None or not label.arms.filter(version=version).exists():
        return MonitorAlert.Action.ALERTED, "production does not point at this version"
    try:
        label_rollback(template=template, name=PRODUCTION, moved_by="evals.monitor", reason=why)
    except TemplateError as exc:
        return MonitorAlert.Action.ROLLBACK_FAILED, exc.message
    return MonitorAlert.Action.ROLLED_BACK, f"production moved back from {version.version}: {why}"


def monitors_run(*, now: datetime | None = None) -> list[MonitorAlert]:
    config = settings.BEACON_EVAL_MONITORS
    now = now or timezone.now()
    window = int(config["windowMinutes"])
    alerts = []
    for reading in live_readings(window_minutes=window, now=now):
        threshold = config["thresholds"].get(reading.metric)
        if threshold is None or reading.jobs < int(config["minJobs"]):
            continue
        is_breach, bound, direction, limit = breached(reading, threshold)
        if not is_breach:
            continue
        recent = MonitorAlert.objects.filter(
            template_version_id=reading.version_id,
            deployment=reading.deployment,
            metric=reading.metric,
            created_at__gte=now - timedelta(minutes=window),
        )
        if recent.exists():
            continue
        version = TemplateVersion.objects.select_related("template").get(id=reading.version_id)
        why = (
            f"{reading.metric} {reading.value:.4g} (judged {bound if bound is not None else reading.value:.4g}) "
            f"past its {direction} {limit} over {window} min, {reading.jobs} jobs"
        )
        action, detail = MonitorAlert.Action.ALERTED, why
        if reading.metric in config.get("rollbackOn", []) and not reading.deployment:
            action, detail = _rollback(version, why)
        alert = MonitorAlert.objects.create(
            template_version=version,
            deployment=reading.deployment,
            metric=reading.metric,
            value=reading.value,
            bound=bound,
            threshold=limit,
            direction=direction,
            jobs=reading.jobs,
            window_minutes=window,
            action=action,
            detail=detail,
        )
        alert_send(alert)
        alerts.append(alert)
    return alerts
