"""Usage and quota: what an organization's model calls cost (the PRD's section 8)."""

from datetime import date
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError
from llm.budget import governor_level
from llm.usage import GROUPS, month_by_key, usage_report
from tenants.authentication import request_api_key
from tenants.permissions import IsViewer


def _date(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            f"`{name}` must be a date (YYYY-MM-DD).",
            code="validation_error",
            status_code=422,
            details=[{"field": name, "message": "not a date", "code": "invalid"}],
        ) from None


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
        report = usage_report(
            api_key=request_api_key(request),
            first=_date(request, "from"),
            last=_date(request, "to"),
            group=request.query_params.get("groupBy", "day"),
        )
        meta = {
            "from": report.first.isoformat(),
            "to": report.last.isoformat(),
            "groupBy": report.group,
            "totalCalls": report.total_calls,
            "totalCostUsd": report.total_cost_usd,
        }
        return Response({"data": report.rows, "meta": meta})


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
                    "keys": month_by_key(api_key, own.month_start, own.month_end),
                    "effects": {
                        "ok": "all work runs as routed",
                        "soft": "non-premium large-tier work runs on the small tier",
                        "hard": "new jobs are refused with 429; low-priority jobs wait",
                    }[level],
                }
            }
        )
