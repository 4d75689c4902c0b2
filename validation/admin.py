from django.contrib import admin

from common.soft_delete import trash_restore_action
from validation.models import OutputSchema, SchemaComponent, SchemaVersion


class SchemaVersionInline(admin.TabularInline):
    model = SchemaVersion
    fields = ("version", "content_hash", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(OutputSchema)
class OutputSchemaAdmin(admin.ModelAdmin):
    """Staff are platform operators: every organization's schemas and the
    platform's (organization empty)."""

    list_display = ("name", "organization", "created_at")
    list_filter = (("organization", admin.EmptyFieldListFilter),)
    inlines = [SchemaVersionInline]
    actions = [trash_restore_action]


@admin.register(SchemaVersion)
class SchemaVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are immutable and created through the API or
    `manage.py platform_schema`, where they are checked."""

    list_display = ("schema", "version", "created_by", "created_at")
    readonly_fields = ("schema", "version", "json_schema", "rules", "quality", "content_hash", "created_by")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(SchemaComponent)
class SchemaComponentAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "created_at")
