"""`GET /api/v1/validation/metrics`: how outputs fare in validation, grouped
by task kind, template version, model or day, for the key's organization."""

from datetime import UTC, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.api import ApiError
from jobs.models import Job
from llm.models import ModelCall
from tenants.authentication import request_api_key
from tenants.permissions import IsViewer

GROUPS = ("taskKind", "templateVersion", "model", "day")


def validation_metrics(*, organization: Any, group: str, days: int) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(days=days)
    jobs = Job.objects.filter(organization=organization, finished_at__gte=since, status__in=["completed", "failed"])
    if group == "model":
        last_model = ModelCall.objects.filter(job=OuterRef("pk"), outcome__in=["ok", "cached"]).order_by("-created_at")
        jobs = jobs.annotate(key=Subquery(last_model.values("deployment")[:1]))
        keys = ["key"]
    elif group == "day":
        jobs = jobs.annotate(key=TruncDate("finished_at", tzinfo=UTC))
        keys = ["key"]
    elif group == "templateVersion":
        keys = ["task_kind", "template_version"]
    else:
        keys = ["task_kind"]
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
        if "key" in row:
            key = row["key"]
        elif group == "templateVersion":
            key = f"{row['task_kind']}@{row['template_version']}"
        else:
            key = row["task_kind"]
        results.append({
            "key": str(key), "finished": row["finished"], "completed": row["completed"],
            "passRate": round(row["completed"] / finished, 4), "firstPassRate": round(row["firstPass"] / finished, 4),
            "partialRate": round(row["partial"] / finished, 4), "refused": row["refused"],
        })  # fmt: skip
    return results


class ValidationMetricsApi(APIView):
    permission_classes = [IsViewer]

    @extend_schema(
        operation_id="validation_metrics",
        parameters=[
            OpenApiParameter("groupBy", OpenApiTypes.STR, enum=list(GROUPS), description="default: taskKind"),
            OpenApiParameter("days", OpenApiTypes.INT, description="look-back in days (default 30, at most 366)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        group = request.query_params.get("groupBy", "taskKind")
        raw_days = request.query_params.get("days", "30")
        if group not in GROUPS or not raw_days.isdigit() or not 1 <= int(raw_days) <= 366:
            raise ApiError(f"`groupBy` is one of {', '.join(GROUPS)}; `days` is 1 to 366.", code="validation_error",
                           status_code=422)  # fmt: skip
        organization = request_api_key(request).organization
        data = validation_metrics(organization=organization, group=group, days=int(raw_days))
        return Response({"data": data, "meta": {"groupBy": group, "days": int(raw_days)}})
