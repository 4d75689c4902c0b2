import contextlib
import uuid

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from jobs.models import Job, JobArchive, Status, StorageTier


class GenerationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    templateId = django_filters.CharFilter(
        method="template_filter", help_text="A task kind, a template name or a template UUID"
    )
    templateVersion = django_filters.CharFilter(
        field_name="template_version", help_text="The version the job ran (1.2.0)"
    )
    projectId = django_filters.UUIDFilter(field_name="project_id")
    batchId = django_filters.UUIDFilter(field_name="batch_id")
    createdAfter = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdBefore = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="text_filter",
        max_length=200,
        help_text="Words of the (redacted) output, hot or warm: PostgreSQL full-text search",
    )

    class Meta:
        model = Job
        fields: list[str] = []

    def text_filter(self, queryset: QuerySet[Job], name: str, value: str) -> QuerySet[Job]:
        """Warm jobs by their archive's stored vector; hot ones by their
        output's text, vectorized on the fly (the hot set is the recent one)."""
        query = SearchQuery(value, config="simple", search_type="websearch")
        hot = Job.objects.annotate(text=SearchVector(Cast("result__output", TextField()), config="simple")).filter(
            text=query, storage_tier=StorageTier.HOT, result__deleted_at__isnull=True
        )
        warm = JobArchive.objects.filter(search=query)
        return queryset.filter(Q(id__in=hot.values("id")) | Q(id__in=warm.values("job_id")))

    def template_filter(self, queryset: QuerySet[Job], name: str, value: str) -> QuerySet[Job]:
        """What `templateId` named at submission: a kind, a template's name or its UUID."""
        matches = Q(task_kind=value) | Q(prompt_version__template__name=value)
        with contextlib.suppress(ValueError):
            matches |= Q(prompt_version__template_id=uuid.UUID(value))
        return queryset.filter(matches)
