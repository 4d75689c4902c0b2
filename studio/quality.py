"""The quality dashboard's numbers: per task kind and template version, day
by day, the measures the online monitors judge, with the monitors'
thresholds; the latest evaluation run's hallucination and coverage with the
launch gates; injection findings; the monitors' recent alerts.

Definitions are the monitors' own (evals.monitors._group_readings, one
function for "validation pass rate", "SLA within 2 minutes" and the rest),
applied to one organization's jobs a day at a time, so a dashboard line and
a monitor's alert always mean the same thing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from evals.models import EvalRun, MonitorAlert, RunStatus
from evals.monitors import _group_readings
from jobs.models import EventType, Job, JobEvent, JobResult
from jobs.selectors import reviewed_annotated
from prompts.models import TemplateVersion
from tenants.models import Organization

# Jobs read per dashboard: the most recent, so a busy organization's page
# stays one bounded read (the window says when it covers fewer days).
JOB_LIMIT = 20_000

# What each chart shows, in the words a product manager reads, and whether up is good.
METRICS: list[tuple[str, str, str]] = [
    ("validationPassRate", "Validation pass rate", "rate"),
    ("reviewRate", "Sent to human review", "rate"),
    ("rejectionRate", "Rejected by reviewers (of reviewed)", "rate"),
    ("injectionFindingRate", "Injection findings (input or output)", "rate"),
    ("injectionBlockRate", "Blocked as injection", "rate"),
    ("costPerJobUsd", "Cost per job (USD)", "usd"),
    ("p95LatencySeconds", "95th percentile latency (seconds)", "seconds"),
    ("slaWithin2Minutes", "Done within 2 minutes", "rate"),
    ("slaWithin10Minutes", "Done within 10 minutes", "rate"),
]
EVAL_METRICS = [("hallucinationRate", "Hallucination rate"), ("coverage", "Coverage")]


@dataclass(frozen=True)
class Threshold:
    limit: float
    direction: str  # "max": at most; "min": at least

    def met(self, value: float) -> bool:
        return value <= self.limit if self.direction == "max" else value >= self.limit


@dataclass
class Series:
    metric: str
    title: str
    unit: str
    threshold: Threshold | None
    points: list[tuple[date, float | None, int]] = field(default_factory=list)  # day, value, jobs

    @property
    def latest(self) -> float | None:
        return next((value for _, value, _ in reversed(self.points) if value is not None), None)


@dataclass
class EvalFigure:
    metric: str
    title: str
    value: float
    interval: tuple[float, float]
    threshold: Threshold | None
    passed: bool | None


@dataclass
class VersionQuality:
    version: TemplateVersion
    jobs: int
    series: list[Series]
    evaluation: EvalRun | None
    eval_figures: list[EvalFigure]
    alerts: list[MonitorAlert]


@dataclass
class Dashboard:
    organization: Organization
    days: list[date]
    groups: list[VersionQuality]
    jobs_read: int
    capped: bool


def monitor_thresholds() -> dict[str, Threshold]:
    thresholds = settings.BEACON_EVAL_MONITORS.get("thresholds", {})
    return {
        name: Threshold(float(rule.get("max", rule.get("min"))), "max" if "max" in rule else "min")
        for name, rule in thresholds.items()
    }


def _job_rows(organization: Organization, since: datetime, task_kind: str) -> list[dict[str, Any]]:
    """The organization's jobs since `since` with what the monitors' readings
    need per job (as evals.monitors.live_readings builds them)."""
    jobs = Job.objects.filter(organization=organization, created_at__gte=since, prompt_version__isnull=False)
    if task_kind:
        jobs = jobs.filter(task_kind=task_kind)
    scans = JobEvent.objects.filter(
        job=OuterRef("pk"), type=EventType.INJECTION_SCAN, data__decision__in=["flag", "block"]
    )
    refusals = JobEvent.objects.filter(job=OuterRef("pk"), type=EventType.REFUSAL)
    jobs = reviewed_annotated(jobs).annotate(injection_found=Exists(scans), refused=Exists(refusals))
    fields = (
        "id", "prompt_version_id", "status", "error", "cost_usd", "created_at", "finished_at",
        "was_reviewed", "injection_found", "refused",
    )  # fmt: skip
    rows = list(jobs.order_by("-created_at").values(*fields)[:JOB_LIMIT])
    outputs = dict(JobResult.objects.filter(job_id__in=[r["id"] for r in rows]).values_list("job_id", "output"))
    for row in rows:
        row["reviewed"] = row["was_reviewed"]
        row["validated"] = (outputs[row["id"]] is not None) if row["id"] in outputs else None
    return rows


def _latest_evaluation(version: TemplateVersion) -> EvalRun | None:
    kind = version.template.task_kind
    runs = EvalRun.objects.filter(status=RunStatus.COMPLETED, **{f"versions__{kind}__versionId": str(version.id)})
    return runs.select_related("dataset").order_by("-finished_at", "-started_at").first()


def _eval_figures(run: EvalRun | None, kind: str) -> list[EvalFigure]:
    if run is None:
        return []
    rates = ((run.metrics.get("byTaskKind") or {}).get(kind) or {}).get("rates") or {}
    gates = settings.BEACON_EVAL_GATES.get(run.dataset.kind) or {}
    figures = []
    for metric, title in EVAL_METRICS:
        rate = rates.get(metric)
        if not rate or not rate.get("total"):
            continue
        gate = gates.get(metric)
        threshold = (
            Threshold(float(gate.get("max", gate.get("min"))), "max" if "max" in gate else "min") if gate else None
        )
        low, high = rate["ci95"]
        # Judged as the launch gate judges: on the interval's pessimistic end.
        passed = threshold.met(high if threshold.direction == "max" else low) if threshold else None
        figures.append(EvalFigure(metric, title, rate["value"], (low, high), threshold, passed))
    return figures


def quality_dashboard(*, organization: Organization, days: int = 14, task_kind: str = "") -> Dashboard:
    now = timezone.now()
    first_day = (now - timedelta(days=days - 1)).date()
    day_list = [first_day + timedelta(days=n) for n in range(days)]
    since = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
    rows = _job_rows(organization, since, task_kind)
    by_version_day: dict[Any, dict[date, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_version_day[row["prompt_version_id"]][timezone.localdate(row["created_at"])].append(row)
    versions = TemplateVersion.objects.filter(id__in=by_version_day).select_related("template")
    thresholds = monitor_thresholds()
    groups = []
    for version in sorted(versions, key=lambda v: (v.template.task_kind, v.template.name, v.created_at)):
        series = {name: Series(name, title, unit, thresholds.get(name)) for name, title, unit in METRICS}
        for day in day_list:
            day_rows = by_version_day[version.id].get(day, [])
            readings = {r.metric: r for r in _group_readings(version.id, "", day_rows, now)}
            for name, line in series.items():
                if name == "injectionFindingRate":
                    found = sum(bool(r["injection_found"]) for r in day_rows)
                    line.points.append((day, found / len(day_rows) if day_rows else None, len(day_rows)))
                    continue
                reading = readings.get(name)
                line.points.append((day, reading.value if reading else None, reading.jobs if reading else 0))
        evaluation = _latest_evaluation(version)
        alerts = list(
            MonitorAlert.objects.filter(template_version=version, created_at__gte=since)
            .filter(organization__isnull=True)
            .order_by("-created_at")[:5]
        ) + list(
            MonitorAlert.objects.filter(template_version=version, organization=organization, created_at__gte=since)[:5]
        )
        groups.append(
            VersionQuality(
                version=version,
                jobs=sum(len(v) for v in by_version_day[version.id].values()),
                series=list(series.values()),
                evaluation=evaluation,
                eval_figures=_eval_figures(evaluation, version.template.task_kind),
                alerts=alerts,
            )
        )
    return Dashboard(
        organization=organization, days=day_list, groups=groups, jobs_read=len(rows), capped=len(rows) >= JOB_LIMIT
    )


def jobs_drilldown(*, organization: Organization, version_id: Any, day: date | None, limit: int = 200) -> list[Job]:
    """The organization's jobs of one version (and day) for the drill-down list."""
    jobs = Job.objects.filter(organization=organization, prompt_version_id=version_id)
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        jobs = jobs.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    return list(jobs.order_by("-created_at")[:limit])
