"""Injection monitoring: per template version and organization, the share of
jobs with an injection finding, and the share blocked, over a window,
against the same group's own baseline (PRD 9.3); run on beat beside the
other monitors, and exported to Prometheus for the Grafana dashboard.

A finding is an input scan that flagged or blocked, or an output scan that
found the canary, system-prompt text, instruction talk or an echoed payload.
A spike: at least `minFindings` findings, and the window's rate (the low end
of its 95% interval) above both `factor` times the baseline and the baseline
plus `minDelta`. The baseline is the group's rate over the `baselineHours`
before the window, or every group's when this one has too few jobs there
(a new version or a new customer). An alert is a MonitorAlert row, a log
line and the alert webhook, at most once per window for a group and metric.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from evals.metrics import Rate, wilson
from evals.models import MonitorAlert
from evals.monitors import alert_send
from evals.runner import EVAL_ORGANIZATION
from jobs.models import EventType, Job, JobEvent
from prompts.models import TemplateVersion
from tenants.models import Organization

logger = logging.getLogger("beacon.evals.injection_monitor")
OUTPUT_INJECTION_RULES = ("canary", "system_prompt_leak", "instruction_marker", "tainted_echo")
METRICS = {"findings": "injectionFindingSpike", "blocks": "injectionBlockSpike"}


@dataclass(frozen=True)
class InjectionReading:
    version_id: Any
    organization_id: Any
    jobs: int
    findings: Rate
    blocks: Rate
    baseline: dict[str, float]  # the baseline rate of each metric
    baseline_jobs: int


def _grouped(since: datetime, window_start: datetime) -> list[dict[str, Any]]:
    events = JobEvent.objects.filter(job=OuterRef("pk"))
    input_flag = events.filter(type=EventType.INJECTION_SCAN, data__decision__in=["flag", "block"])
    output_rules = reduce(or_, (Q(data__findings__contains=[{"rule": rule}]) for rule in OUTPUT_INJECTION_RULES))
    output_finding = events.filter(output_rules, type=EventType.OUTPUT_SCAN)
    output_block = events.filter(type=EventType.OUTPUT_SCAN, data__action="block")
    jobs = (
        Job.objects.filter(created_at__gte=since, prompt_version__isnull=False)
        .exclude(organization__slug=EVAL_ORGANIZATION)
        .annotate(flagged_in=Exists(input_flag), flagged_out=Exists(output_finding), blocked_out=Exists(output_block))
    )
    current = Q(created_at__gte=window_start)
    found = Q(flagged_in=True) | Q(flagged_out=True)
    blocked = Q(error__code="injection_blocked") | Q(blocked_out=True)
    grouped = jobs.values("prompt_version_id", "organization_id").annotate(
        jobs=Count("id", filter=current),
        findings=Count("id", filter=current & found),
        blocks=Count("id", filter=current & blocked),
        baseline_jobs=Count("id", filter=~current),
        baseline_findings=Count("id", filter=~current & found),
        baseline_blocks=Count("id", filter=~current & blocked),
    )
    return [dict(row) for row in grouped]


def injection_readings(*, now: datetime | None = None) -> list[InjectionReading]:
    config = settings.BEACON_INJECTION_MONITOR
    now = now or timezone.now()
    window_start = now - timedelta(minutes=int(config["windowMinutes"]))
    rows = _grouped(window_start - timedelta(hours=float(config["baselineHours"])), window_start)
    everyone = {name: sum(r[f"baseline_{name}"] for r in rows) / max(1, sum(r["baseline_jobs"] for r in rows))
                for name in METRICS}  # fmt: skip
    readings = []
    for row in rows:
        if not row["jobs"]:
            continue
        own = row["baseline_jobs"] >= int(config["minJobs"])
        baseline = {name: row[f"baseline_{name}"] / row["baseline_jobs"] if own else everyone[name] for name in METRICS}
        readings.append(
            InjectionReading(
                version_id=row["prompt_version_id"],
                organization_id=row["organization_id"],
                jobs=row["jobs"],
                findings=wilson(row["findings"], row["jobs"]),
                blocks=wilson(row["blocks"], row["jobs"]),
                baseline=baseline,
                baseline_jobs=row["baseline_jobs"],
            )
        )
    return readings


def spike_limit(baseline: float) -> float:
    config = settings.BEACON_INJECTION_MONITOR
    return max(baseline * float(config["factor"]), baseline + float(config["minDelta"]))


def injection_monitors_run(*, now: datetime | None = None) -> list[MonitorAlert]:
    config = settings.BEACON_INJECTION_MONITOR
    now = now or timezone.now()
    window = int(config["windowMinutes"])
    alerts = []
    for reading in injection_readings(now=now):
        if reading.jobs < int(config["minJobs"]):
            continue
        for name, metric in METRICS.items():
            rate: Rate = getattr(reading, name)
            limit = spike_limit(reading.baseline[name])
            if rate.hits < int(config["minFindings"]) or rate.low <= limit:
                continue
            recent = MonitorAlert.objects.filter(
                template_version_id=reading.version_id,
                organization_id=reading.organization_id,
                metric=metric,
                created_at__gte=now - timedelta(minutes=window),
            )
            if recent.exists():
                continue
            version = TemplateVersion.objects.select_related("template").get(id=reading.version_id)
            alert = MonitorAlert.objects.create(
                template_version=version,
                organization_id=reading.organization_id,
                metric=metric,
                value=rate.value,
                bound=rate.low,
                threshold=limit,
                direction="max",
                jobs=reading.jobs,
                window_minutes=window,
                detail=(
                    f"{rate.hits} of {reading.jobs} jobs in {window} min ({rate.value:.1%}, at least {rate.low:.1%}) "
                    f"against a baseline of {reading.baseline[name]:.1%} over {reading.baseline_jobs} jobs"
                ),
            )
            alert_send(alert)
            alerts.append(alert)
    return alerts


class InjectionCollector:
    """`beacon_injection_*`: the monitor's window rates and baselines, per
    template version and organization, for the dashboard."""

    def collect(self) -> Any:
        labels = ["organization", "template", "version"]
        families = {
            "findings": GaugeMetricFamily(
                "beacon_injection_finding_rate", "Share of jobs with an injection finding in the window", labels=labels
            ),
            "blocks": GaugeMetricFamily(
                "beacon_injection_block_rate", "Share of jobs blocked as injections in the window", labels=labels
            ),
            "baseline": GaugeMetricFamily(
                "beacon_injection_finding_baseline_rate",
                "The same group's finding rate before the window",
                labels=labels,
            ),
        }
        readings = injection_readings()
        versions = {
            v.id: v
            for v in TemplateVersion.objects.select_related("template").filter(id__in=[r.version_id for r in readings])
        }
        slugs = dict(
            Organization.objects.filter(id__in=[r.organization_id for r in readings]).values_list("id", "slug")
        )
        for reading in readings:
            version = versions[reading.version_id]
            values = [str(slugs.get(reading.organization_id, "")), version.template.name, version.version]
            families["findings"].add_metric(values, reading.findings.value)
            families["blocks"].add_metric(values, reading.blocks.value)
            families["baseline"].add_metric(values, reading.baseline["findings"])
        yield from families.values()
