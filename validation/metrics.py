"""Prometheus collector: validation outcomes per task kind over the last 24 hours
(read from PostgreSQL at scrape time, across all organizations)."""

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


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
