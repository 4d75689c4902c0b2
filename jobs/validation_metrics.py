"""`GET /api/v1/validation/metrics`: how outputs fare in validation, grouped
by task kind, template version, model or day, for the key's organization.
A metric over jobs, so it lives with them (validation sits below jobs)."""

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
from jobs.models import Job
from jobs.selectors import group_key, jobs_grouped
from tenants.authentication import request_api_key
from tenants.permissions import IsViewer

GROUPS = ("taskKind", "templateVersion", "model", "day")


def validation_metrics(*, organization: Any, group: str, days: int) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(days=days)
    jobs = Job.objects.filter(organization=organization, finished_at__gte=since, status__in=["completed", "failed"])
    jobs, keys = jobs_grouped(jobs, group)
    rows = jobs.values(*keys).annotate(
        finished=Count("id"),
        completed=Count("id", filter=Q(status="completed")),
        firstPass=Count("id", filter=Q(status="completed", generation_count=1)),
        partial=Count("id", filter=Q(status="completed", result__validation__partial=True)),
        refused=Count("id", filter=Q(error__code="refused")),
    )
    results = []
    for row in rows.order_by(*keys):
        finished = row["finished"] or 1
        key = group_key(row, group)
        results.append(
            {
                "key": key,
                "finished": row["finished"],
                "completed": row["completed"],
                "passRate": round(row["completed"] / finished, 4),
                "firstPassRate": round(row["firstPass"] / finished, 4),
                "partialRate": round(row["partial"] / finished, 4),
                "refused": row["refused"],
            }
        )
    return results


class ValidationMetricsApi(APIView):
    scope_family = "metrics"
    permission_classes = [IsViewer]

    @extend_schema(
        operation_id="validation_metrics",
        parameters=metrics_parameters(GROUPS),
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        group, days = metrics_window(request, GROUPS)
        data = validation_metrics(organization=request_api_key(request).organization, group=group, days=days)
        return Response({"data": data, "meta": {"groupBy": group, "days": days}})
