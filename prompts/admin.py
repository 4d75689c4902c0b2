"""Prompt templates in admin: versions are read-only (they are immutable),
labels show their history, and a version shows a side-by-side diff against
its parent (or the version before it)."""

import difflib
from typing import Any

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from prompts.models import GoldenRun, LabelMove, PromptTemplate, Taxonomy, TemplateLabel, TemplateTest, TemplateVersion
from prompts.services import launch_blockers


class VersionInline(admin.TabularInline):
    model = TemplateVersion
    fields = ("version", "status", "content_hash", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(PromptTemplate)
class PromptTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "task_kind", "owner", "deleted_at")
    list_filter = ("task_kind",)
    inlines = [VersionInline]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    list_display = ("template", "version", "status", "created_by", "created_at")
    list_filter = ("status", "template")
    readonly_fields = ("template", "version", "status", "content_hash", "parent", "created_by", "created_at",
                       "launch_gate", "system_prompt", "user_prompt", "few_shot_examples", "metadata",
                       "diff")  # fmt: skip

    def has_add_permission(self, request: Any) -> bool:
        return False  # versions are created through the API, where they are checked

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
    list_display = ("version", "valid", "golden", "deployment", "created_at")
    list_filter = ("golden", "valid")


@admin.register(GoldenRun)
class GoldenRunAdmin(admin.ModelAdmin):
    list_display = ("version", "status", "created_at", "finished_at")


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "node_count", "imported_at")
