"""The quality dashboard and its drill-down to jobs."""

from datetime import date
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse

from prompts.models import TemplateVersion
from prompts.selectors import templates_visible
from prompts.task_kinds import task_kinds
from studio.charts import formatted, line_chart
from studio.quality import jobs_drilldown, quality_dashboard
from studio.views import page, studio_page
from studio.workspace import Workspace

DAY_CHOICES = (7, 14, 30)


@studio_page
def dashboard(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    days = int(request.GET.get("days", "14")) if request.GET.get("days", "14").isdecimal() else 14
    days = days if days in DAY_CHOICES else 14
    task_kind = request.GET.get("task_kind", "")
    task_kind = task_kind if task_kind in task_kinds() else ""
    board = quality_dashboard(organization=workspace.organization, days=days, task_kind=task_kind)
    groups = [
        {
            "quality": group,
            "charts": [
                {
                    "series": series,
                    "chart": line_chart(series, board.days),
                    "latest": formatted(series.latest, series.unit),
                    "table": [(day, formatted(value, series.unit), jobs) for day, value, jobs in series.points],
                }
                for series in group.series
            ],
        }
        for group in board.groups
    ]
    context = {
        "board": board,
        "groups": groups,
        "days": days,
        "day_choices": DAY_CHOICES,
        "task_kind": task_kind,
        "task_kinds": sorted(task_kinds()),
        "workspace": workspace,
    }
    return page(request, "studio/quality.html", context)


@studio_page
def jobs(request: HttpRequest, workspace: Workspace, version_id: UUID) -> HttpResponse:
    visible = templates_visible(organization_id=workspace.organization.id)
    version = TemplateVersion.objects.filter(id=version_id, template__in=visible).select_related("template").first()
    if version is None:
        raise Http404("no such version")
    day_text = request.GET.get("day", "")
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        day = None
    rows = jobs_drilldown(organization=workspace.organization, version_id=version.id, day=day)
    context = {"version": version, "day": day, "jobs": rows, "workspace": workspace}
    return page(request, "studio/jobs.html", context)
