"""Templates, versions side by side, approvals, labels and experiments."""

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.errors import DomainError
from jobs.experiments import experiment_report
from prompts.approvals import ApprovalError, version_approve
from prompts.golden import golden_tests
from prompts.models import GoldenRun
from prompts.services import TRANSITIONS, Arm, label_rollback, label_set, template_fork, version_transition
from prompts.task_kinds import task_kinds
from studio.charts import bar_chart
from studio.golden import golden_comparisons, golden_rerun
from studio.selectors import draft_of, labels_of, runs_of, version_verdict, workspace_templates
from studio.textdiff import changed, side_by_side
from studio.views import page, studio_page
from studio.workspace import Workspace, editor_required, template_for, version_for


@studio_page
def home(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    templates = list(workspace_templates(workspace))
    own_names = {t.name for t in templates if not t.is_platform}
    rows = [{"template": t, "shadowed": t.is_platform and t.name in own_names} for t in templates]
    return page(request, "studio/home.html", {"rows": rows, "workspace": workspace})


@studio_page
def template_detail(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id)
    versions = list(template.versions.order_by("-created_at"))
    context = {
        "template": template,
        "kind": task_kinds()[template.task_kind],
        "versions": versions,
        "draft": draft_of(template),
        "labels": labels_of(template),
        "runs": runs_of(template, workspace, limit=10),
        "workspace": workspace,
    }
    return page(request, "studio/template.html", context)


@require_POST
@studio_page
def template_fork_view(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    editor_required(workspace)
    template = template_for(workspace, template_id)
    try:
        fork = template_fork(template=template, organization=workspace.organization, forked_by=workspace.actor)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("studio:template", args=[template.id]))
    messages.success(request, f"{workspace.organization.slug} now has its own {fork.name}.")
    return HttpResponseRedirect(reverse("studio:template", args=[fork.id]))


@studio_page
def version_detail(request: HttpRequest, workspace: Workspace, template_id: UUID, number: str) -> HttpResponse:
    template = template_for(workspace, template_id)
    version = version_for(template, number)
    previous = (
        version.parent or template.versions.filter(created_at__lt=version.created_at).order_by("-created_at").first()
    )
    context = {
        "template": template,
        "version": version,
        "previous": previous,
        "verdict": version_verdict(version),
        "golden_run": GoldenRun.objects.filter(version=version).first(),
        "golden_count": len(golden_tests(version)),
        "comparisons": golden_comparisons(version),
        "workspace": workspace,
        "can_approve": workspace.actor != version.created_by,
    }
    return page(request, "studio/version.html", context)


@require_POST
@studio_page
def version_action(
    request: HttpRequest, workspace: Workspace, template_id: UUID, number: str, action: str
) -> HttpResponse:
    template = template_for(workspace, template_id, write=True)
    version = version_for(template, number)
    here = reverse("studio:version", args=[template.id, version.version])
    try:
        if action == "approve":
            security = workspace.security_reviewer and request.POST.get("security") == "on"
            version_approve(
                version=version, approver=workspace.actor, security=security, note=request.POST.get("note", "")
            )
            messages.success(request, f"You approved {version.version}{' as security reviewer' if security else ''}.")
        elif action == "golden":
            reruns = golden_rerun(version=version, run_by=workspace.actor, again=True)
            messages.success(request, f"{len(reruns)} golden test(s) ran on {version.version}.")
        elif action in TRANSITIONS:
            changed_version = version_transition(version=version, action=action)
            messages.success(request, f"{version.version} is now {changed_version.status}.")
        else:
            messages.error(request, f"Unknown action {action!r}.")
    except ApprovalError as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(here)


def _arms(request: HttpRequest, template: Any) -> list[Arm]:
    arms = []
    for index in range(3):
        number = request.POST.get(f"version_{index}", "")
        if not number:
            continue
        weight = request.POST.get(f"weight_{index}", "100") or "100"
        arms.append(Arm(version_for(template, number), int(weight) if weight.isdecimal() else 0))
    return arms


@require_POST
@studio_page
def label_move(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id, write=True)
    name = str(request.POST.get("label", "")).strip()
    reason = str(request.POST.get("reason", ""))
    try:
        if request.POST.get("rollback"):
            label_rollback(
                template=template, name=name, moved_by=workspace.actor, reason=reason or "rolled back in studio"
            )
            messages.success(request, f"{name} rolled back.")
        else:
            label_set(
                template=template, name=name, arms=_arms(request, template), moved_by=workspace.actor, reason=reason
            )
            messages.success(request, f"{name} moved.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("studio:template", args=[template.id]) + "#labels")


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@studio_page
def version_diff(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id)
    numbers = list(template.versions.order_by("created_at").values_list("version", flat=True))
    old_number = request.GET.get("from") or (numbers[-2] if len(numbers) > 1 else (numbers[0] if numbers else ""))
    new_number = request.GET.get("to") or (numbers[-1] if numbers else "")
    sections = []
    if old_number and new_number:
        old, new = version_for(template, old_number), version_for(template, new_number)
        for title, before, after in (
            ("System prompt", old.system_prompt, new.system_prompt),
            ("User prompt", old.user_prompt, new.user_prompt),
            ("Few-shot examples", _pretty(old.few_shot_examples), _pretty(new.few_shot_examples)),
            ("Metadata", _pretty(old.metadata), _pretty(new.metadata)),
        ):
            rows = side_by_side(before, after)
            sections.append({"title": title, "rows": rows, "changed": changed(rows)})
    context = {
        "template": template,
        "numbers": numbers,
        "old": old_number,
        "new": new_number,
        "sections": sections,
        "workspace": workspace,
    }
    return page(request, "studio/diff.html", context)


@studio_page
def experiments(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id)
    reports = []
    for name in template.labels.order_by("name").values_list("name", flat=True):
        report = experiment_report(template=template, label=name, organization_id=workspace.organization.id)
        bars = bar_chart([(arm["version"], arm["passRate"]) for arm in report["arms"]])
        reports.append({**report, "bars": bars})
    return page(request, "studio/experiments.html", {"template": template, "reports": reports, "workspace": workspace})
