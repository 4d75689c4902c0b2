"""`generations(filter, first, after)`: REST's filters, Relay's connection.

Cursors are keyset cursors over (createdAt, id), newest first: a job
submitted while a client pages through neither repeats nor hides a row, as
an offset would make it do.
"""

import base64
import binascii
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from strawberry import Info
from strawberry.relay import PageInfo
from strawberry_django.optimizer import OptimizerConfig, optimize

from jobs.filters import GenerationFilter as RestGenerationFilter
from jobs.graphql.types import GenerationConnection, GenerationEdge, GenerationFilter
from jobs.models import Job

PAGE_SIZE = 20  # as REST's perPage
MAX_PAGE_SIZE = 100
# Resolvers read whole rows (job_representation): `only` would defer the
# columns they need and load each one again, row by row.
OPTIMIZER = OptimizerConfig(enable_only=False)


def jobs_filtered(jobs: QuerySet[Job], where: GenerationFilter | None) -> QuerySet[Job]:
    """`jobs` narrowed by REST's own FilterSet, so both interfaces validate
    and match alike (a bad value is a 422 with the field named)."""
    if where is None:
        return jobs
    data: dict[str, Any] = {
        "status": where.status,
        "templateId": where.template_id,
        "templateVersion": where.template_version,
        "projectId": where.project_id,
        "createdAfter": where.created_after.isoformat() if where.created_after else None,
        "createdBefore": where.created_before.isoformat() if where.created_before else None,
    }
    filterset = RestGenerationFilter(data={k: v for k, v in data.items() if v is not None}, queryset=jobs)
    if not filterset.is_valid():
        raise ValidationError({f"filter.{field}": list(errors) for field, errors in filterset.errors.items()})
    return filterset.qs


def cursor_of(job: Job) -> str:
    return base64.urlsafe_b64encode(f"{job.created_at.isoformat()}|{job.pk}".encode()).decode()


def _after(jobs: QuerySet[Job], cursor: str) -> QuerySet[Job]:
    try:
        created, _, pk = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        created_at, job_id = datetime.fromisoformat(created), UUID(pk)
    except (ValueError, binascii.Error):
        raise ValidationError({"after": ["Not a cursor of this connection."]}) from None
    return jobs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=job_id))


def generation_page(info: Info, jobs: QuerySet[Job], *, first: int, after: str | None) -> GenerationConnection:
    """One page of `jobs`, newest first, with the total over every page.
    Queries: the count, the page, one more per relation the query selects
    (events), whatever the page's size."""
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ValidationError({"first": [f"Must be between 0 and {MAX_PAGE_SIZE}."]})
    total = jobs.count()
    ordered = jobs.order_by("-created_at", "-pk")
    if after:
        ordered = _after(ordered, after)
    rows = list(optimize(ordered, info, config=OPTIMIZER)[: first + 1])
    edges = [GenerationEdge(cursor=cursor_of(job), node=job) for job in rows[:first]]
    page_info = PageInfo(
        has_next_page=len(rows) > first,
        has_previous_page=bool(after),
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return GenerationConnection(edges=edges, page_info=page_info, total_count=total)
