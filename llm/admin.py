from django.contrib import admin

from llm.models import ModelCall, ProviderBatch, ProviderBatchRequest


@admin.register(ModelCall)
class ModelCallAdmin(admin.ModelAdmin):
    """The ledger is read-only: rows are facts about calls that happened."""

    list_display = ("created_at", "organization", "task_kind", "deployment", "outcome", "cost_usd", "latency_ms")
    list_filter = ("outcome", "tier", "deployment", "task_kind", "cached", "batched")
    search_fields = ("job__id",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class _ReadOnly(admin.ModelAdmin):
    """Provider batches are written by beat alone; admin shows where they stand."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ProviderBatch)
class ProviderBatchAdmin(_ReadOnly):
    list_display = ("created_at", "deployment", "provider_batch_id", "status", "request_count", "finished_at")
    list_filter = ("status", "deployment")
    search_fields = ("provider_batch_id",)


@admin.register(ProviderBatchRequest)
class ProviderBatchRequestAdmin(_ReadOnly):
    list_display = ("created_at", "custom_id", "deployment", "status", "error_code", "batch")
    list_filter = ("status", "deployment")
    search_fields = ("custom_id",)
    exclude = ("body",)  # the rendered prompt: not for browsing
