from django.contrib import admin

from llm.models import ModelCall


@admin.register(ModelCall)
class ModelCallAdmin(admin.ModelAdmin):
    """The ledger is read-only: rows are facts about calls that happened."""

    list_display = ("created_at", "organization", "task_kind", "deployment", "outcome", "cost_usd", "latency_ms")
    list_filter = ("outcome", "tier", "deployment", "task_kind", "cached")
    search_fields = ("job__id",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
