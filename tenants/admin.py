from django.contrib import admin
from django.http import HttpRequest

from tenants.models import ApiKey, Organization, Project


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "rate_tier", "monthly_budget_usd", "created_at")
    search_fields = ("slug", "name")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("slug", "organization", "name", "created_at")
    list_filter = ("organization",)
    exclude = ("webhook_secret", "previous_webhook_secret")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "organization", "project", "role", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("role", "organization")
    # The hash is useless to a person and the raw key is never stored.
    exclude = ("key_hash",)
    readonly_fields = ("prefix", "last_used_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Keys are created with `manage.py apikey_create`, which shows the raw key once.
        return False
