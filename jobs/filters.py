import django_filters

from jobs.models import Job, Status


class GenerationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    templateId = django_filters.CharFilter(field_name="task_kind")
    projectId = django_filters.UUIDFilter(field_name="project_id")
    createdAfter = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    createdBefore = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Job
        fields: list[str] = []
