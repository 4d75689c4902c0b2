import contextlib
import uuid

import django_filters
from django.db.models import Q, QuerySet

from jobs.models import Job, Status


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

    class Meta:
        model = Job
        fields: list[str] = []

    def template_filter(self, queryset: QuerySet[Job], name: str, value: str) -> QuerySet[Job]:
        """What `templateId` named at submission: a kind, a template's name or its UUID."""
        matches = Q(task_kind=value) | Q(prompt_version__template__name=value)
        with contextlib.suppress(ValueError):
            matches |= Q(prompt_version__template_id=uuid.UUID(value))
        return queryset.filter(matches)
