"""`GET /api/v1/review/metrics`: how often outputs are held for review and
what reviewers decide, per task kind, template version or model, for the
key's organization."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import metrics_parameters, metrics_window
from jobs.models import TERMINAL_STATUSES, Job
from jobs.selectors import group_key, jobs_grouped, reviewed_annotated
from tenants.authentication import request_api_key
from tenants.permissions import IsViewer

GROUPS = ("taskKind", "templateVersion", "model")


def review_metrics(*, organization: Any, group: str, days: int) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(days=days)
    jobs = Job.objects.filter(organization=organization, created_at__gte=since)
    jobs = jobs.filter(Q(status__in=[str(s) for s in TERMINAL_STATUSES]) | Q(status="reviewing"))
    jobs, keys = jobs_grouped(reviewed_annotated(jobs), group)
    rows = jobs.values(*keys).annotate(
        jobs=Count("id"),
        reviewed=Count("id", filter=Q(was_reviewed=True)),
        decided=Count("review_task", filter=Q(review_task__status="done")),
        approved=Count("review_task", filter=Q(review_task__decision="approved")),
        edited=Count("review_task", filter=Q(review_task__decision="edited")),
        rejected=Count("review_task", filter=Q(review_task__decision="rejected")),
    )
    results = []
    for row in rows.order_by(*keys):
        key = group_key(row, group)
        decided = row["decided"] or 1
        results.append(
            {
                "key": key,
                "jobs": row["jobs"],
                "reviewed": row["reviewed"],
                "decided": row["decided"],
                "approved": row["approved"],
                "edited": row["edited"],
                "rejected": row["rejected"],
                "reviewRate": round(row["reviewed"] / (row["jobs"] or 1), 4),
                "editRate": round(row["edited"] / decided, 4),
                "rejectionRate": round(row["rejected"] / decided, 4),
            }
        )
    return results


class ReviewMetricsApi(APIView):
    scope_family = "metrics"
    permission_classes = [IsViewer]

    @extend_schema(
        operation_id="review_metrics",
        parameters=metrics_parameters(GROUPS),
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        group, days = metrics_window(request, GROUPS)
        data = review_metrics(organization=request_api_key(request).organization, group=group, days=days)
        return Response({"data": data, "meta": {"groupBy": group, "days": days}})
