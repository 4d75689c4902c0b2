"""Usage and quota: what an organization's model calls cost (the PRD's section 8)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError
from llm.budget import governor_level
from llm.models import ModelCall
from tenants.authentication import request_api_key
from tenants.models import ApiKey
from tenants.permissions import IsViewer

# `apiKey` groups by the credential that submitted the job (an API key, or an
# OAuth client's credential): the ids `GET /api/v1/keys` lists.
GROUPS = {
    "day": "day",
    "taskKind": "task_kind",
    "model": "deployment",
    "project": "project__slug",
    "apiKey": "job__api_key_id",
}
MAX_DAYS = 366


def _date(request: Request, name: str, default: date) -> date:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            f"`{name}` must be a date (YYYY-MM-DD).",
            code="validation_error",
            status_code=422,
            details=[{"field": name, "message": "not a date", "code": "invalid"}],
        ) from None


def usage_rows(calls: QuerySet[ModelCall], group: str) -> list[dict[str, Any]]:
    if group == "day":
        calls = calls.annotate(day=TruncDate("created_at", tzinfo=UTC))
    rows = (
        calls.values(key=F(GROUPS[group]))
        .annotate(
            calls=Count("id"),
            cachedCalls=Count("id", filter=Q(cached=True)),
            failedCalls=Count("id", filter=Q(outcome=ModelCall.Outcome.ERROR)),
            promptTokens=Sum("prompt_tokens"),
            completionTokens=Sum("completion_tokens"),
            costUsd=Sum("cost_usd"),
        )
        .order_by("key")
    )
    return [{**row, "key": str(row["key"]), "costUsd": _usd(row["costUsd"])} for row in rows]


def _usd(value: Decimal | None) -> str:
    return f"{value or Decimal(0):.8f}"  # never "0E-8"


def _calls_visible_to(api_key: ApiKey) -> QuerySet[ModelCall]:
    """The organization's calls, or only its project's for a project-limited key."""
    calls = ModelCall.objects.filter(organization_id=api_key.organization_id)
    project_id = api_key.project_scope_id()
    return calls if project_id is None else calls.filter(project_id=project_id)


def _month_by_key(api_key: ApiKey, month_start: datetime, month_end: datetime) -> list[dict[str, Any]]:
    """This month's spend per credential, beside each key's own rate limit."""
    calls = _calls_visible_to(api_key).filter(created_at__gte=month_start, created_at__lt=month_end)
    rows = (
        calls.values(
            apiKeyId=F("job__api_key_id"),
            name=F("job__api_key__name"),
            prefix=F("job__api_key__prefix"),
            rateLimitPerMinute=F("job__api_key__rate_limit_per_minute"),
        )
        .annotate(calls=Count("id"), costUsd=Sum("cost_usd"))
        .order_by("-costUsd", "apiKeyId")
    )
    return [
        {**row, "apiKeyId": str(row["apiKeyId"]) if row["apiKeyId"] else None, "costUsd": _usd(row["costUsd"])}
        for row in rows
    ]


class UsageApi(APIView):
    scope_family = "usage"
    permission_classes = [IsViewer]

    @extend_schema(
        operation_id="usage",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (UTC), default: 30 days ago"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (UTC), inclusive, default: today"),
            OpenApiParameter("groupBy", OpenApiTypes.STR, enum=list(GROUPS), description="default: day"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        api_key = request_api_key(request)
        today = datetime.now(UTC).date()
        first = _date(request, "from", today - timedelta(days=29))
        last = _date(request, "to", today)
        group = request.query_params.get("groupBy", "day")
        if group not in GROUPS:
            detail = {"field": "groupBy", "message": "unknown grouping", "code": "invalid"}
            raise ApiError(
                f"`groupBy` must be one of {', '.join(GROUPS)}.",
                code="validation_error",
                status_code=422,
                details=[detail],
            )
        if last < first or (last - first).days >= MAX_DAYS:
            raise ApiError(
                f"`from` must not be after `to`, and the range at most {MAX_DAYS} days.",
                code="validation_error",
                status_code=422,
            )
        start = datetime.combine(first, time.min, tzinfo=UTC)
        # The last day's end, not the next day's start: 9999-12-31 has no next day.
        end = datetime.combine(last, time.max, tzinfo=UTC)
        calls = _calls_visible_to(api_key).filter(created_at__gte=start, created_at__lte=end)
        rows = usage_rows(calls, group)
        total = calls.aggregate(cost=Sum("cost_usd"), count=Count("id"))
        return Response(
            {
                "data": rows,
                "meta": {
                    "from": first.isoformat(),
                    "to": last.isoformat(),
                    "groupBy": group,
                    "totalCalls": total["count"],
                    "totalCostUsd": _usd(total["cost"]),
                },
            }
        )


class UsageQuotaApi(APIView):
    scope_family = "usage"
    permission_classes = [IsViewer]

    @extend_schema(operation_id="usage_quota", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        api_key = request_api_key(request)
        organization = api_key.organization
        level, states = governor_level(str(organization.id), organization.monthly_budget_usd)
        own, platform = states
        remaining = None
        if own.budget_usd is not None:
            remaining = str(max(own.budget_usd - own.spent_usd, Decimal(0)).quantize(Decimal("0.01")))
        return Response(
            {
                "data": {
                    "level": level,
                    "organization": {**own.as_dict(), "remainingUsd": remaining},
                    "platformLevel": platform.level,
                    "keys": _month_by_key(api_key, own.month_start, own.month_end),
                    "effects": {
                        "ok": "all work runs as routed",
                        "soft": "non-premium large-tier work runs on the small tier",
                        "hard": "new jobs are refused with 429; low-priority jobs wait",
                    }[level],
                }
            }
        )
