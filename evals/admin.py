from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from evals.models import EvalDataset, EvalItem, EvalResult, EvalRun, JudgeScore, MonitorAlert
from evals.report import run_report


@admin.register(EvalDataset)
class EvalDatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "kind", "created_at")
    list_filter = ("kind", "name")
    readonly_fields = ("name", "version", "kind", "created_at")


@admin.register(EvalItem)
class EvalItemAdmin(admin.ModelAdmin):
    list_display = ("key", "dataset", "task_kind", "provenance")
    list_filter = ("dataset", "task_kind", "provenance")
    search_fields = ("key",)
    readonly_fields = ("dataset", "key", "task_kind", "input", "expected", "tags", "provenance", "source")


class EvalResultInline(admin.TabularInline):
    model = EvalResult
    fields = ("item", "job_id", "job_status", "scored_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = False


@admin.register(EvalRun)
class EvalRunAdmin(admin.ModelAdmin):
    list_display = ("id", "dataset", "template", "route", "status", "passed", "started_at", "report_link")
    list_filter = ("status", "passed", "dataset")
    readonly_fields = (
        "dataset",
        "template",
        "route",
        "sample",
        "seed",
        "task_kinds",
        "versions",
        "status",
        "passed",
        "gates",
        "metrics",
        "created_by",
        "started_at",
        "finished_at",
        "report_link",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs start from `manage.py eval run`, where they drive real jobs

    @admin.display(description="Report")
    def report_link(self, obj: EvalRun) -> SafeString:
        return format_html('<a href="{}">report</a>', reverse("admin:evals_evalrun_report", args=[obj.pk]))

    def get_urls(self) -> list[Any]:
        report = self.admin_site.admin_view(self.report_view)
        return [path("<uuid:run_id>/report/", report, name="evals_evalrun_report"), *super().get_urls()]

    def report_view(self, request: HttpRequest, run_id: Any) -> HttpResponse:
        return HttpResponse(run_report(get_object_or_404(EvalRun, pk=run_id)))


@admin.register(MonitorAlert)
class MonitorAlertAdmin(admin.ModelAdmin):
    list_display = ("created_at", "template_version", "deployment", "metric", "value", "threshold", "action")
    list_filter = ("action", "metric")
    readonly_fields = [f.name for f in MonitorAlert._meta.fields]


@admin.register(JudgeScore)
class JudgeScoreAdmin(admin.ModelAdmin):
    list_display = ("job_id", "task_kind", "template_version", "score", "faithful", "created_at")
    list_filter = ("task_kind", "score", "faithful")
    readonly_fields = [f.name for f in JudgeScore._meta.fields]
