from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from common.soft_delete import trash_restore_action
from tenants.models import ApiKey, AuditCheckpoint, AuditLog, OAuthClient, Organization, Project


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "rate_tier", "monthly_budget_usd", "created_at")
    search_fields = ("slug", "name")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("slug", "organization", "name", "created_at")
    list_filter = ("organization", "deleted_at")
    exclude = ("webhook_secret", "previous_webhook_secret")
    actions = [trash_restore_action]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "prefix",
        "name",
        "organization",
        "project",
        "role",
        "project_only",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("role", "project_only", "organization", "deleted_at")
    actions = [trash_restore_action]
    # The hash is useless to a person and the raw key is never stored.
    exclude = ("key_hash",)
    readonly_fields = ("prefix", "last_used_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Keys are created with `manage.py apikey_create`, which shows the raw key once.
        return False


@admin.register(OAuthClient)
class OAuthClientAdmin(admin.ModelAdmin):
    """Clients are made through `POST /api/v1/oauth-clients`, which shows the secret once."""

    list_display = ("application", "credential", "created_at", "last_used_at")
    readonly_fields = ("application", "credential", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Platform operators read every organization's log here; nobody edits it
    (the database refuses too, migration 0006)."""

    list_display = ("created_at", "kind", "actor", "method", "route", "status_code", "object_model", "action", "seq")
    list_filter = ("kind", "action", "method", "status_code")
    search_fields = ("actor", "route", "api_key_prefix", "correlation_id", "object_model", "object_pk")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(admin.ModelAdmin):
    list_display = ("created_at", "seq", "purged_rows", "cutoff", "row_hash")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
