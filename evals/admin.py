from django.contrib import admin

from evals.models import EvalDataset, EvalItem


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
