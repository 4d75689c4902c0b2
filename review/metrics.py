"""Prometheus collector: the review backlog and outcomes per task kind (read
from PostgreSQL at scrape time, across all organizations)."""

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class ReviewCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from review.models import ReviewTask

        labels = ["task_kind"]
        backlog = GaugeMetricFamily("beacon_review_backlog", "Review tasks open or claimed", labels=labels)
        overdue = GaugeMetricFamily("beacon_review_overdue", "Review tasks past their due time", labels=labels)
        rejection = GaugeMetricFamily(
            "beacon_review_rejection_rate_7d", "Rejected / decided review tasks, last 7 days", labels=labels
        )
        now = timezone.now()
        waiting = (
            ReviewTask.objects.filter(status__in=["open", "claimed"])
            .values("task_kind")
            .annotate(backlog=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
        )
        for row in waiting:
            backlog.add_metric([row["task_kind"]], row["backlog"])
            overdue.add_metric([row["task_kind"]], row["overdue"])
        decided = ReviewTask.objects.filter(status="done", decided_at__gte=now - timedelta(days=7))
        outcomes = decided.values("task_kind").annotate(
            n=Count("id"), rejected=Count("id", filter=Q(decision="rejected"))
        )
        for outcome in outcomes:
            rejection.add_metric([outcome["task_kind"]], outcome["rejected"] / outcome["n"])
        yield backlog
        yield overdue
        yield rejection
