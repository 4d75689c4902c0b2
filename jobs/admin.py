from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from common.api import ApiError
from common.soft_delete import trash_restore_action
from jobs.models import (
    DataSubjectErasure,
    DeadLetter,
    Job,
    JobEvent,
    JobResult,
    LegalHold,
    RetentionPolicy,
    WebhookDelivery,
    WebhookEndpoint,
)
from jobs.services.data_subjects import subject_erase
from jobs.services.legal_holds import legal_hold_lift, legal_hold_place
from jobs.services.lifecycle import dead_letter_redrive
from jobs.services.trash import TrashKind, trash_put
from jobs.services.webhooks import delivery_redeliver


class JobResultInline(admin.StackedInline):
    """The output and its validation report, trace included (the checks run,
    pass or fail, values and suggested fixes)."""

    model = JobResult
    fields = ("output", "validation_summary", "validation")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Summary")
    def validation_summary(self, obj: JobResult) -> str:
        report = obj.validation or {}
        failed = [entry["rule"] for entry in report.get("trace", []) if not entry.get("passed")]
        checks = ", ".join(failed) or "none"
        parts = [
            f"valid: {report.get('valid')}",
            f"parse pass: {report.get('parsePass')}",
            f"partial: {bool(report.get('partial'))}",
            f"failed checks: {checks}",
        ]
        return " | ".join(parts)


class JobEventInline(admin.TabularInline):
    model = JobEvent
    fields = ("created_at", "type", "from_status", "to_status", "stage", "data", "correlation_id")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("id",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "task_kind", "status", "stage", "organization", "priority", "created_at", "finished_at")
    list_filter = ("status", "task_kind", "stage", "priority", "organization", "storage_tier", "deleted_at")
    search_fields = ("id", "correlation_id")
    date_hierarchy = "created_at"
    inlines = [JobResultInline, JobEventInline]
    # Status changes only through transitions (services); nothing here is editable.
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["legal_hold_place", "legal_hold_lift", "trash_put", trash_restore_action]

    @admin.action(description="Move to the trash (ended jobs; restorable for the grace period)")
    def trash_put(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        actor = f"admin/{request.user.get_username()}"
        moved = 0
        for job in queryset:
            try:
                moved += trash_put(kind=TrashKind.JOB, obj=job, by=actor)
            except ApiError as exc:
                self.message_user(request, f"{job.id}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"{moved} job(s) moved to the trash.", messages.SUCCESS)

    @admin.action(description="Place on legal hold (nothing of the job is purged while it holds)")
    def legal_hold_place(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        actor = f"admin/{request.user.get_username()}"
        for job in queryset.select_related("organization"):
            legal_hold_place(organization=job.organization, job=job, reason="placed in admin", placed_by=actor)
        self.message_user(request, f"{queryset.count()} job(s) on legal hold.", messages.SUCCESS)

    @admin.action(description="Lift the job's own legal holds")
    def legal_hold_lift(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        actor = f"admin/{request.user.get_username()}"
        holds = LegalHold.objects.filter(job__in=queryset, lifted_at__isnull=True)
        for hold in holds:
            legal_hold_lift(hold=hold, lifted_by=actor)
        self.message_user(request, f"{len(holds)} job hold(s) lifted.", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "job",
        "stage",
        "error_code",
        "error_class",
        "attempts",
        "permanent",
        "created_at",
        "redriven_at",
    )
    list_filter = ("stage", "error_code", "permanent")
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
    actions = ["redrive"]

    @admin.action(description="Re-drive the selected jobs from the start")
    def redrive(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        done = 0
        for dead_letter in queryset.filter(redriven_at__isnull=True):
            dead_letter_redrive(dead_letter_id=dead_letter.id)
            done += 1
        self.message_user(request, f"Re-drove {done} job(s).", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "project", "enabled", "event_types", "disabled_reason", "created_at")
    list_filter = ("enabled", "deleted_at")
    actions = [trash_restore_action]
    # The secret is never shown here: it is given once, by the API, on creation and rotation.
    exclude = ("secret", "previous_secret")
    readonly_fields = ("previous_secret_expires_at", "disabled_reason", "created_at", "updated_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("message_id", "url", "event_type", "status", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("status", "event_type")
    search_fields = ("message_id", "url", "job__id")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Deliver again now (same webhook-id and body, fresh retry schedule)")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            delivery_redeliver(delivery=delivery)
        self.message_user(request, f"{queryset.count()} delivery(ies) queued again.", messages.SUCCESS)


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Holds are placed here or through the API; lifting keeps the row."""

    list_display = ("placed_at", "organization", "project", "job", "reason", "placed_by", "lifted_at")
    list_filter = ("organization",)
    readonly_fields = ("placed_by", "placed_at", "lifted_by", "lifted_at")
    actions = ["holds_lift"]

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        if change:
            obj.save()
            return
        legal_hold_place(
            organization=obj.organization,
            project=obj.project,
            job=obj.job,
            reason=obj.reason,
            placed_by=f"admin/{request.user.get_username()}",
        )

    @admin.action(description="Lift the selected holds")
    def holds_lift(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        for hold in queryset.filter(lifted_at__isnull=True):
            legal_hold_lift(hold=hold, lifted_by=f"admin/{request.user.get_username()}")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ErasureForm(forms.ModelForm):
    """The identifiers are hashed to find the jobs and never stored."""

    identifiers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One e-mail address, phone number or name per line; matched by keyed hash, not stored.",
    )

    class Meta:
        model = DataSubjectErasure
        fields = ["organization", "reference"]


@admin.register(DataSubjectErasure)
class DataSubjectErasureAdmin(admin.ModelAdmin):
    """Adding one carries out the erasure (jobs/services/data_subjects.py);
    the row is its record and cannot be changed or deleted."""

    form = ErasureForm
    list_display = ("created_at", "organization", "reference", "requested_by", "erased_count", "held_count")
    list_filter = ("organization",)

    @admin.display(description="erased")
    def erased_count(self, obj: DataSubjectErasure) -> int:
        return len(obj.erased_jobs)

    @admin.display(description="kept by a hold")
    def held_count(self, obj: DataSubjectErasure) -> int:
        return len(obj.held_jobs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("organization", "reference", "requested_by", "erased_jobs", "held_jobs") if obj else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["form"] = forms.ModelForm  # the record: no identifiers to enter
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: DataSubjectErasure, form: Any, change: bool) -> None:
        if change:
            return
        identifiers = [line.strip() for line in form.cleaned_data["identifiers"].splitlines() if line.strip()]
        erasure = subject_erase(
            organization=obj.organization,
            identifiers=identifiers,
            reference=obj.reference,
            requested_by=f"admin/{request.user.get_username()}",
        )
        obj.pk = erasure.record.pk
        obj.id = erasure.record.id
        obj._state.adding = False
        self.message_user(
            request,
            f"{len(erasure.erased)} job(s) erased, {len(erasure.held)} kept under legal hold.",
            messages.SUCCESS,
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """Retention as data: new terms apply to jobs that end from now on
    (`manage.py retention_restamp` applies them to ended jobs)."""

    list_display = (
        "__str__",
        "raw_input_hours",
        "result_days",
        "webhook_payload_days",
        "event_days",
        "model_call_days",
        "updated_at",
    )
    list_filter = ("organization", "task_kind", "customer_tier")
