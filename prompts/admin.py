"""Prompt templates in admin: versions are read-only (they are immutable),
labels show their history, and a version shows a side-by-side diff against
its parent (or the version before it)."""

import difflib
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from prompts.approvals import ApprovalError, approval_blockers, version_approve
from prompts.models import (
    FewShotExample,
    GoldenRun,
    LabelMove,
    PromptTemplate,
    Taxonomy,
    TemplateApproval,
    TemplateLabel,
    TemplateTest,
    TemplateVersion,
)
from prompts.services import TemplateError, launch_blockers, version_transition


def admin_actor(request: HttpRequest) -> str:
    """Who acts in admin, as approvals and label moves record it."""
    return f"admin:{request.user.get_username()}"


class VersionInline(admin.TabularInline):
    model = TemplateVersion
    fields = ("version", "status", "content_hash", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


class ApprovalInline(admin.TabularInline):
    model = TemplateApproval
    fields = ("approver", "security", "content_hash", "note", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # approvals are given by the action, which checks the rules


@admin.register(PromptTemplate)
class PromptTemplateAdmin(admin.ModelAdmin):
    """Staff are platform operators: they see and change every organization's
    templates and the platform defaults (organization empty)."""

    list_display = ("name", "organization", "task_kind", "sensitive", "owner", "deleted_at")
    list_filter = ("task_kind", "sensitive", ("organization", admin.EmptyFieldListFilter))
    search_fields = ("name", "organization__slug")
    inlines = [VersionInline]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    list_display = ("template", "version", "status", "created_by", "created_at")
    list_filter = ("status", "template")
    readonly_fields = (
        "template",
        "version",
        "status",
        "content_hash",
        "parent",
        "output_schema_version",
        "created_by",
        "created_at",
        "approvals_needed",
        "launch_gate",
        "system_prompt",
        "user_prompt",
        "few_shot_examples",
        "metadata",
        "diff",
    )
    inlines = [ApprovalInline]
    actions = ["approve", "activate"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # versions are created through the API, where they are checked

    @admin.display(description="Approvals")
    def approvals_needed(self, obj: TemplateVersion) -> str:
        blockers = approval_blockers(obj)
        return "approved as its template requires" if not blockers else "; ".join(blockers)

    @admin.action(description="Approve the selected versions (as yourself)")
    def approve(self, request: HttpRequest, queryset: QuerySet[TemplateVersion]) -> None:
        security = request.user.has_perm("prompts.security_review")
        for version in queryset.select_related("template"):
            try:
                version_approve(version=version, approver=admin_actor(request), security=security)
                self.message_user(request, f"{version}: approved{' (security)' if security else ''}")
            except ApprovalError as exc:
                self.message_user(request, f"{version}: {exc.message}", level=messages.ERROR)

    @admin.action(description="Activate the selected versions (approvals and golden tests permitting)")
    def activate(self, request: HttpRequest, queryset: QuerySet[TemplateVersion]) -> None:
        for version in queryset.select_related("template"):
            try:
                version_transition(version=version, action="activate")
                self.message_user(request, f"{version}: active")
            except TemplateError as exc:
                self.message_user(request, f"{version}: {exc.message}", level=messages.ERROR)

    @admin.display(description="Launch gate (production)")
    def launch_gate(self, obj: TemplateVersion) -> str:
        blockers = launch_blockers(obj)
        return "may go to production" if not blockers else "blocked: " + "; ".join(blockers)

    @admin.display(description="Diff against the parent (or previous) version")
    def diff(self, obj: TemplateVersion) -> SafeString:
        base = obj.parent or obj.template.versions.filter(created_at__lt=obj.created_at).order_by("-created_at").first()
        if base is None:
            return format_html("<em>{}</em>", "the first version")
        table = difflib.HtmlDiff(wrapcolumn=80)
        parts = [
            table.make_table(
                getattr(base, field).splitlines(),
                getattr(obj, field).splitlines(),
                base.version,
                obj.version,
                context=True,
            )
            for field in ("system_prompt", "user_prompt")
        ]
        # HtmlDiff escapes the text it shows; the markup around it is its own.
        return mark_safe("".join(parts))  # noqa: S308


class LabelMoveInline(admin.TabularInline):
    model = LabelMove
    fields = ("created_at", "moved_by", "reason", "arms", "previous_arms")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(TemplateLabel)
class TemplateLabelAdmin(admin.ModelAdmin):
    list_display = ("template", "name", "updated_at")
    inlines = [LabelMoveInline]


@admin.register(TemplateTest)
class TemplateTestAdmin(admin.ModelAdmin):
    list_display = ("version", "organization", "valid", "golden", "deployment", "created_at")
    list_filter = ("golden", "valid")


@admin.register(GoldenRun)
class GoldenRunAdmin(admin.ModelAdmin):
    list_display = ("version", "status", "created_at", "finished_at")


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "node_count", "imported_at")


@admin.register(FewShotExample)
class FewShotExampleAdmin(admin.ModelAdmin):
    list_display = ("task_kind", "key", "organization", "source", "created_at")
    list_filter = ("task_kind",)
    search_fields = ("key", "text")
