"""Prometheus collectors for jobs, queues, model calls and SLAs, read at
scrape time from PostgreSQL and the broker.

Reading at scrape time, not counting in-process, is deliberate: stages run in
many worker processes on many machines, and the database already holds every
fact. The web process reports for all of them, the same numbers whichever
web worker the scrape reaches, without a push gateway or shared directory.
Windowed figures (stage latency, SLA) cover the last `WINDOW` and are gauges
(stage latency a gauge histogram, so `histogram_quantile` works on it).
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

WINDOW = timedelta(minutes=15)
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
SAMPLE_LIMIT = 5000  # jobs read per scrape for the windowed figures


def _histogram(name: str, doc: str, series: dict[tuple[str, ...], list[float]], labels: list[str]) -> Any:
    family = GaugeHistogramMetricFamily(name, doc, labels=labels)
    for label_values, values in sorted(series.items()):
        buckets = [(str(bound), float(sum(v <= bound for v in values))) for bound in LATENCY_BUCKETS]
        buckets.append(("+Inf", float(len(values))))
        family.add_metric(list(label_values), buckets, gsum_value=sum(values))
    return family


class JobsCollector(Collector):
    def collect(self) -> Iterator[Any]:
        from jobs.models import NON_TERMINAL_STATUSES, DeadLetter, Job, WebhookDelivery

        now = timezone.now()
        since = now - WINDOW
        in_flight = GaugeMetricFamily(
            "beacon_jobs_in_flight", "Jobs not yet terminal, by status and task kind", labels=["status", "task_kind"]
        )
        rows = (
            Job.objects.filter(status__in=NON_TERMINAL_STATUSES).values("status", "task_kind").annotate(n=Count("id"))
        )
        for row in rows:
            in_flight.add_metric([row["status"], row["task_kind"]], row["n"])
        yield in_flight

        ended = GaugeMetricFamily(
            "beacon_jobs_ended_window",
            f"Jobs that ended in the last {WINDOW}, by status and task kind",
            labels=["status", "task_kind"],
        )
        recent = Job.objects.filter(finished_at__gte=since).values("status", "task_kind").annotate(n=Count("id"))
        for row in recent:
            ended.add_metric([row["status"], row["task_kind"]], row["n"])
        yield ended

        stuck = GaugeMetricFamily(
            "beacon_jobs_stuck",
            "Non-terminal jobs whose stage lease expired, or that have not moved for 15 minutes outside review",
        )
        stuck.add_metric(
            [],
            Job.objects.filter(status__in=NON_TERMINAL_STATUSES)
            .exclude(status="reviewing")
            .filter(Q(lease_expires_at__lt=now) | Q(updated_at__lt=now - WINDOW))
            .count(),
        )
        yield stuck

        latencies: dict[tuple[str, ...], list[float]] = defaultdict(list)
        end_to_end: dict[tuple[str, ...], list[float]] = defaultdict(list)
        finished = Job.objects.filter(finished_at__gte=since).order_by("-finished_at")[:SAMPLE_LIMIT]
        sla: dict[int, dict[str, list[int]]] = {2: defaultdict(lambda: [0, 0]), 10: defaultdict(lambda: [0, 0])}
        for kind, stages, created, done in finished.values_list(
            "task_kind", "stage_latency_ms", "created_at", "finished_at"
        ):
            for stage, ms in (stages or {}).items():
                latencies[(stage, kind)].append(ms / 1000)
            if done is None:
                continue
            seconds = (done - created).total_seconds()
            end_to_end[(kind,)].append(seconds)
            for minutes, counts in sla.items():
                counts[kind][0] += seconds <= minutes * 60
                counts[kind][1] += 1
        yield _histogram(
            "beacon_stage_latency_seconds",
            f"Stage latency of jobs ended in the last {WINDOW}",
            latencies,
            ["stage", "task_kind"],
        )
        yield _histogram(
            "beacon_job_latency_seconds",
            f"Submission to end, jobs ended in the last {WINDOW}",
            end_to_end,
            ["task_kind"],
        )
        attainment = GaugeMetricFamily(
            "beacon_sla_attainment",
            f"Share of jobs ended in the last {WINDOW} within the SLA",
            labels=["sla", "task_kind"],
        )
        for minutes, counts in sla.items():
            for kind, (met, total) in counts.items():
                attainment.add_metric([f"{minutes}m", kind], met / total)
        yield attainment

        dead = GaugeMetricFamily("beacon_dead_letters", "Dead letters not yet re-driven", labels=["stage"])
        for stage, n in (
            DeadLetter.objects.filter(redriven_at__isnull=True).values_list("stage").annotate(n=Count("id"))
        ):
            dead.add_metric([stage], n)
        yield dead

        webhooks = GaugeMetricFamily("beacon_webhook_deliveries", "Webhook deliveries by status", labels=["status"])
        for status, n in WebhookDelivery.objects.values_list("status").annotate(n=Count("id")):
            webhooks.add_metric([status], n)
        yield webhooks


class QueueCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.conf import settings

        from jobs.services.load import queue_lengths

        depth = GaugeMetricFamily("beacon_queue_depth", "Messages waiting per Celery queue", labels=["queue"])
        for name, length in (queue_lengths(settings.BEACON_QUEUES) or {}).items():
            depth.add_metric([name], length)
        yield depth


class ModelCallCollector(Collector):
    """Calls, tokens and cost by deployment and outcome: totals from the
    ledger, so they only grow (counters), whichever process is scraped."""

    def collect(self) -> Iterator[Any]:
        from llm.budget import GLOBAL, budget_state, global_budget
        from llm.models import ModelCall

        labels = ["deployment", "tier", "outcome"]
        calls = CounterMetricFamily("beacon_model_calls", "Model calls", labels=labels)
        tokens = CounterMetricFamily("beacon_model_tokens", "Model tokens", labels=[*labels, "kind"])
        cost = CounterMetricFamily("beacon_model_cost_usd", "Model cost in USD", labels=labels)
        rows = ModelCall.objects.values("deployment", "tier", "outcome").annotate(
            n=Count("id"), prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"), usd=Sum("cost_usd")
        )
        for row in rows:
            key = [row["deployment"], row["tier"], row["outcome"]]
            calls.add_metric(key, row["n"])
            tokens.add_metric([*key, "prompt"], row["prompt"] or 0)
            tokens.add_metric([*key, "completion"], row["completion"] or 0)
            cost.add_metric(key, float(row["usd"] or 0))
        yield calls
        yield tokens
        yield cost
        budget = global_budget()
        if budget is not None:
            state = budget_state(GLOBAL, budget)
            used = GaugeMetricFamily("beacon_budget_used_ratio", "Platform model spend this month / budget")
            used.add_metric([], float(state.spent_usd / budget))
            yield used
            projected = GaugeMetricFamily("beacon_budget_projected_ratio", "Projected month-end spend / budget")
            projected.add_metric([], float(state.projected_usd / budget))
            yield projected


# Validation outcomes per task kind over the last 24 hours.
class ValidationCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from jobs.models import Job

        labels = ["task_kind"]
        rate = GaugeMetricFamily(
            "beacon_validation_pass_rate_24h", "Completed / finished jobs, last 24 h", labels=labels
        )
        partial = GaugeMetricFamily(
            "beacon_validation_partial_rate_24h", "Partially accepted / finished jobs, last 24 h", labels=labels
        )
        since = timezone.now() - timedelta(hours=24)
        rows = (
            Job.objects.filter(finished_at__gte=since, status__in=["completed", "failed"])
            .values("task_kind")
            .annotate(
                finished=Count("id"),
                completed=Count("id", filter=Q(status="completed")),
                partial=Count("id", filter=Q(result__validation__partial=True)),
            )
        )
        for row in rows:
            rate.add_metric([row["task_kind"]], row["completed"] / row["finished"])
            partial.add_metric([row["task_kind"]], row["partial"] / row["finished"])
        yield rate
        yield partial
