from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from safety.models import InjectionPatternSet
from safety.patterns import PatternSetError, pattern_set_activate, pattern_set_evaluate


@admin.register(InjectionPatternSet)
class InjectionPatternSetAdmin(admin.ModelAdmin):
    """Versions are proposed from a file (`manage.py injection_patterns propose`)
    and never edited here; evaluation and activation are actions."""

    list_display = ("version", "status", "author", "created_at", "activated_at", "evaluation_passed")
    list_filter = ("status",)
    readonly_fields = [f.name for f in InjectionPatternSet._meta.fields]
    actions = ("evaluate", "activate")

    @admin.display(boolean=True, description="evaluation passed")
    def evaluation_passed(self, row: InjectionPatternSet) -> bool | None:
        return (row.evaluation or {}).get("passed")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Evaluate on the blind split and clean records")
    def evaluate(self, request: HttpRequest, queryset: QuerySet[InjectionPatternSet]) -> None:
        for row in queryset:
            passed = pattern_set_evaluate(pattern_set=row)["passed"]
            self.message_user(request, f"v{row.version}: evaluation {'passed' if passed else 'failed'}")

    @admin.action(description="Activate (only after a passing evaluation)")
    def activate(self, request: HttpRequest, queryset: QuerySet[InjectionPatternSet]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Activate one version at a time.", level=messages.ERROR)
            return
        try:
            row = pattern_set_activate(pattern_set=queryset.get(), actor=str(request.user))
        except PatternSetError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return
        self.message_user(request, f"v{row.version} is active")
