"""Who may use which organization's studio, kept by staff in admin; drafts
are shown read-only (they change in the editor, under its revision lock)."""

from typing import Any

from django.contrib import admin

from studio.models import Draft, StudioMember


@admin.register(StudioMember)
class StudioMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "security_reviewer", "created_at")
    list_filter = ("role", "security_reviewer", "organization")
    search_fields = ("user__username", "organization__slug")
    autocomplete_fields = ("user",)


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ("template", "revision", "updated_by", "updated_at")
    readonly_fields = ("template", "base_version", "revision", "updated_by", "updated_at", "created_at")

    def has_add_permission(self, request: Any) -> bool:
        return False  # a draft starts from a version, in the studio
