"""Reads over the model-call ledger: usage by day, kind, model, project or
credential, and this month's spend per credential. REST (`llm/api.py`) and
GraphQL (`jobs/graphql/catalog.py`) answer from these, so both check the
same ranges and see the same rows."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from common.api import ApiError
from llm.models import ModelCall
from tenants.models import ApiKey

# `apiKey` groups by the credential that submitted the job (an API key, or an
# OAuth client's credential): the ids `GET /api/v1/keys` lists.
GROUPS = {
    "day": "day",
    "taskKind": "task_kind",
    "model": "deployment",
    "project": "project__slug",
    "apiKey": "job__api_key_id",
    "region": "region",
}
MAX_DAYS = 366


def usd(value: Decimal | None) -> str:
    return f"{value or Decimal(0):.8f}"  # never "0E-8"


def calls_visible_to(api_key: ApiKey) -> QuerySet[ModelCall]:
    """The organization's calls, or only its project's for a project-limited key."""
    calls = ModelCall.objects.filter(organization_id=api_key.organization_id)
    project_id = api_key.project_scope_id()
    return calls if project_id is None else calls.filter(project_id=project_id)


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
    return [{**row, "key": str(row["key"]), "costUsd": usd(row["costUsd"])} for row in rows]


@dataclass(frozen=True)
class UsageReport:
    rows: list[dict[str, Any]]
    first: date
    last: date
    group: str
    total_calls: int
    total_cost_usd: str


def _invalid(message: str, field: str) -> ApiError:
    detail = {"field": field, "message": message, "code": "invalid"}
    return ApiError(message, code="validation_error", status_code=422, details=[detail])


def usage_report(*, api_key: ApiKey, first: date | None, last: date | None, group: str) -> UsageReport:
    """UTC days, the last 30 by default, at most MAX_DAYS; 422 otherwise."""
    today = datetime.now(UTC).date()
    first = first or today - timedelta(days=29)
    last = last or today
    if group not in GROUPS:
        raise _invalid(f"`groupBy` must be one of {', '.join(GROUPS)}.", "groupBy")
    if last < first or (last - first).days >= MAX_DAYS:
        raise _invalid(f"`from` must not be after `to`, and the range at most {MAX_DAYS} days.", "from")
    start = datetime.combine(first, time.min, tzinfo=UTC)
    # The last day's end, not the next day's start: 9999-12-31 has no next day.
    end = datetime.combine(last, time.max, tzinfo=UTC)
    calls = calls_visible_to(api_key).filter(created_at__gte=start, created_at__lte=end)
    total = calls.aggregate(cost=Sum("cost_usd"), count=Count("id"))
    return UsageReport(
        rows=usage_rows(calls, group),
        first=first,
        last=last,
        group=group,
        total_calls=total["count"],
        total_cost_usd=usd(total["cost"]),
    )


def month_by_key(api_key: ApiKey, month_start: datetime, month_end: datetime) -> list[dict[str, Any]]:
    """This month's spend per credential, beside each key's own rate limit."""
    calls = calls_visible_to(api_key).filter(created_at__gte=month_start, created_at__lt=month_end)
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
        {**row, "apiKeyId": str(row["apiKeyId"]) if row["apiKeyId"] else None, "costUsd": usd(row["costUsd"])}
        for row in rows
    ]
