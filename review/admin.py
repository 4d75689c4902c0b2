"""The reviewer's queue in Django admin.

The changelist is the queue: highest priority first, then the earliest due
time, with filters for kind, reason, tier, overdue and assignee. A task's page
shows the redacted input with the evidence highlighted beside the output's
fields, the reasons and the validation trace, and carries the actions:
claim, release, approve, edit and approve, reject. Keyboard: c claim,
a approve, s save the edit and approve, r reject, j/k next/previous field.
Every action goes through review.services (JobEvents) and is also written to
Django's admin log.
"""

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from review.models import RejectReason, ReviewStatus, ReviewTask
from review.services import (
    ReviewError,
    review_approve,
    review_bulk_approve,
    review_claim,
    review_reject,
    review_release,
)
from review.views import output_with_edits, review_context


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = sorted({code for codes in ReviewTask.objects.values_list("reason_codes", flat=True) for code in codes})
        return [(code, code.replace("_", " ")) for code in codes]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ReviewTask]) -> QuerySet[ReviewTask]:
        return queryset.filter(reason_codes__contains=[self.value()]) if self.value() else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "overdue"), ("soon", "due within an hour")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ReviewTask]) -> QuerySet[ReviewTask]:
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(due_at__lt=now)
        if self.value() == "soon":
            return queryset.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=1))
        return queryset


@admin.register(ReviewTask)
class ReviewTaskAdmin(admin.ModelAdmin):
    list_display = (
        "task_link",
        "task_kind",
        "customer_tier",
        "priority",
        "due",
        "reasons_list",
        "risk_score",
        "status",
        "assignee",
    )
    list_filter = ("status", "task_kind", ReasonFilter, "customer_tier", OverdueFilter, "assignee", "decision")
    ordering = ("-priority", "due_at")
    actions = ["claim_selected", "release_selected", "approve_samples"]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewTask]:
        return super().get_queryset(request).select_related("assignee")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # The queue shows open work unless a status filter says otherwise.
        if "status__exact" not in request.GET and "decision__exact" not in request.GET and not request.GET.get("q"):
            query = request.GET.copy()
            query["status__exact"] = ReviewStatus.OPEN
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="task", ordering="created_at")
    def task_link(self, obj: ReviewTask) -> str:
        url = reverse("admin:review_reviewtask_review", args=[obj.id])
        return format_html('<a href="{}" class="review-open">{}</a>', url, str(obj.job_id)[:8])

    @admin.display(description="due", ordering="due_at")
    def due(self, obj: ReviewTask) -> str:
        late = obj.due_at < timezone.now() and obj.status != ReviewStatus.DONE
        return format_html(
            '<span style="color:{}">{}</span>',
            "#b00" if late else "inherit",
            obj.due_at.strftime("%Y-%m-%d %H:%M") + (" (overdue)" if late else ""),
        )

    @admin.display(description="reasons")
    def reasons_list(self, obj: ReviewTask) -> str:
        return ", ".join(code.replace("_", " ") for code in obj.reason_codes)

    # --- actions on the queue -------------------------------------------------
    def _each(self, request: HttpRequest, queryset: QuerySet[ReviewTask], action: Any, verb: str) -> None:
        done, refused = 0, []
        for task in queryset:
            try:
                action(task_id=task.id, user=_reviewer(request))
                _audit(request, task, verb)
                done += 1
            except ReviewError as exc:
                refused.append(f"{str(task.job_id)[:8]}: {exc}")
        self.message_user(request, f"{verb}: {done} task(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Claim the selected tasks", permissions=["decide"])
    def claim_selected(self, request: HttpRequest, queryset: QuerySet[ReviewTask]) -> None:
        self._each(request, queryset, review_claim, "claimed")

    @admin.action(description="Release the selected tasks", permissions=["decide"])
    def release_selected(self, request: HttpRequest, queryset: QuerySet[ReviewTask]) -> None:
        self._each(request, queryset, review_release, "released")

    @admin.action(description="Approve audit samples (low risk) in bulk", permissions=["decide"])
    def approve_samples(self, request: HttpRequest, queryset: QuerySet[ReviewTask]) -> None:
        approved = review_bulk_approve(task_ids=list(queryset.values_list("id", flat=True)), user=_reviewer(request))
        skipped = queryset.count() - approved
        self.message_user(
            request,
            f"Approved {approved} audit sample(s); {skipped} need their own look.",
            messages.SUCCESS if not skipped else messages.WARNING,
        )

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("review.decide_reviewtask")

    # --- the task page ----------------------------------------------------------
    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<uuid:task_id>/review/", self.admin_site.admin_view(self.review_view), name="review_reviewtask_review"
            )
        ]
        return own + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:review_reviewtask_review", args=[object_id]))

    def review_view(self, request: HttpRequest, task_id: Any) -> HttpResponse:
        task = get_object_or_404(
            ReviewTask.objects.select_related("job__payload", "job__result", "assignee"), id=task_id
        )
        if not self.has_view_permission(request, task):
            return HttpResponse(status=403)
        errors: list[dict[str, str]] = []
        if request.method == "POST":
            if not self.has_decide_permission(request):
                return HttpResponse(status=403)
            action = request.POST.get("action", "")
            user = _reviewer(request)
            try:
                if action == "claim":
                    review_claim(task_id=task.id, user=user)
                elif action == "release":
                    review_release(task_id=task.id, user=user)
                elif action == "approve":
                    review_approve(task_id=task.id, user=user, note=request.POST.get("note", ""))
                elif action == "edit":
                    edits = {
                        key[len("field:") :]: str(value)
                        for key, value in request.POST.items()
                        if key.startswith("field:")
                    }
                    output = output_with_edits(task.job.result.output, edits)
                    review_approve(task_id=task.id, user=user, output=output, note=request.POST.get("note", ""))
                elif action == "reject":
                    review_reject(
                        task_id=task.id,
                        user=user,
                        reason=request.POST.get("reason", ""),
                        note=request.POST.get("note", ""),
                    )
                else:
                    raise ReviewError(f"unknown action {action!r}")
            except ReviewError as exc:
                errors = exc.details or [{"path": "", "message": str(exc)}]
                self.message_user(request, str(exc), messages.ERROR)
            else:
                _audit(request, task, action)
                self.message_user(request, f"{action}: done.", messages.SUCCESS)
                if action in ("approve", "edit", "reject"):
                    return HttpResponseRedirect(reverse("admin:review_reviewtask_changelist"))
                return HttpResponseRedirect(request.path)
        task.refresh_from_db()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review: {task.task_kind} job {str(task.job_id)[:8]}",
            "task": task,
            "job": task.job,
            "mine": task.status == ReviewStatus.CLAIMED and task.assignee_id == request.user.pk,
            "can_decide": self.has_decide_permission(request),
            "reject_reasons": RejectReason.choices,
            "errors": errors,
            **review_context(task.job),
        }
        return TemplateResponse(request, "admin/review/task.html", context)


def _reviewer(request: HttpRequest) -> User:
    """admin_view lets only authenticated staff through."""
    assert isinstance(request.user, User)
    return request.user


def _audit(request: HttpRequest, task: ReviewTask, verb: str) -> None:
    """Django's admin log, beside the JobEvents the services write."""
    LogEntry.objects.log_actions(
        user_id=_reviewer(request).pk,
        queryset=[task],
        action_flag=CHANGE,
        change_message=f"review: {verb}",
        single_object=True,
    )
