"""The playground: preview (render, tokens, cost per tier) and run, then
mark a run golden."""

import json
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.errors import DomainError
from evals.models import EvalItem
from llm.errors import ModelError
from prompts.models import TemplateTest
from prompts.task_kinds import task_kinds
from studio.editor import json_field
from studio.playground import (
    SAMPLE,
    dataset_records,
    draft_preview,
    fenced_segments,
    route_choices,
    run_inspection,
    version_preview,
)
from studio.selectors import draft_of, run_of, runs_of
from studio.services import test_golden_mark
from studio.views import is_htmx, page, studio_page
from studio.workspace import Workspace, editor_required, template_for, version_for

DRAFT = "draft"


def _result_context(result: dict[str, Any], kind: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    messages = [{"role": m["role"], "segments": fenced_segments(m["content"])} for m in result["messages"]]
    context: dict[str, Any] = {"result": result, "messages": messages}
    execution = result.get("execution")
    if execution:
        run = TemplateTest.objects.select_related("version").get(pk=execution["testId"])
        context["run"] = run
        # The run keeps the redacted parameters: grounding is judged on what the model saw.
        context["inspection"] = run_inspection(kind=kind, output=run.output, parameters=run.parameters)
        context["output_pretty"] = (
            json.dumps(run.output, indent=2, ensure_ascii=False) if run.output is not None else execution["text"]
        )
    return context


@studio_page
def playground(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id)
    kind = task_kinds()[template.task_kind]
    draft = draft_of(template)
    versions = list(template.versions.order_by("-created_at"))
    records = dataset_records(kind)
    source = str(request.POST.get("source") or request.GET.get("source") or (DRAFT if draft else ""))
    if not source and versions:
        source = versions[0].version
    parameters_text = str(request.POST.get("parameters") or json.dumps(SAMPLE, indent=2))
    record_id = str(request.POST.get("record", ""))
    routes = route_choices()
    route = str(request.POST.get("route", ""))
    context: dict[str, Any] = {
        "routes": routes,
        "route": route,
        "template": template,
        "kind": kind,
        "draft": draft,
        "versions": versions,
        "records": records,
        "source": source,
        "record": record_id,
        "workspace": workspace,
    }
    if request.method == "POST":
        if route not in {value for value, _ in routes}:
            context.update({"error": f"Unknown route {route!r}: choose a tier or a listed deployment.", "status": 422})
        else:
            context.update(_submit(request, workspace, template, kind, draft, source, record_id, parameters_text))
        parameters_text = context.pop("parameters_text", parameters_text)
    context["parameters_text"] = parameters_text
    context["runs"] = runs_of(template, workspace)
    # A loaded record refills the form: the whole page; a preview or run: its result.
    if is_htmx(request) and request.POST.get("action") != "load":
        # The runs list below the result is swapped too (out of band): a run joins it.
        return page(request, "studio/partials/playground_result.html", {**context, "oob_runs": True})
    return page(request, "studio/playground.html", context, status=context.get("status", 200))


def _submit(
    request: HttpRequest, workspace: Workspace, template: Any, kind: Any, draft: Any, source: str, record_id: str,
    parameters_text: str,
) -> dict[str, Any]:  # fmt: skip
    """Preview or run; what the result section shows (or the error)."""
    action = str(request.POST.get("action", "preview"))
    if action == "load" and record_id:
        item = EvalItem.objects.filter(pk=record_id, task_kind=kind.name).first()
        if item is not None:
            return {"parameters_text": json.dumps(item.input, indent=2, ensure_ascii=False)}
    parameters, errors = json_field("parameters", parameters_text, dict)
    if errors:
        return {"error": f"Parameters: {errors[0].message} (line {errors[0].line})", "status": 422}
    execute = action == "run"
    try:
        if source == DRAFT:
            if draft is None:
                return {"error": "This template has no draft.", "status": 404}
            if execute:
                return {"error": "A run needs a version: create a version from the draft first.", "status": 422}
            result = draft_preview(draft=draft, parameters=parameters, organization_id=workspace.organization.id)
        else:
            if execute:
                editor_required(workspace)
            version = version_for(template, source)
            result = version_preview(
                template=template,
                version=version,
                parameters=parameters,
                execute=execute,
                workspace=workspace,
                route=str(request.POST.get("route", "")),
            )
    except DomainError as exc:
        details = [f"{d.get('field', '')}: {d.get('message', '')}" for d in exc.details]
        return {"error": exc.message, "error_details": details, "status": 422}
    except ModelError as exc:
        return {"error": f"The model call failed: {exc.code}.", "status": 502}
    return _result_context(result, kind, parameters)


@require_POST
@studio_page
def run_golden(request: HttpRequest, workspace: Workspace, template_id: UUID, test_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id, write=True)
    test = run_of(template, workspace, test_id)
    if test is None:
        return page(request, "studio/refused.html", {"message": "No such run."}, status=404, workspace=workspace)
    error = ""
    try:
        test = test_golden_mark(test=test, golden=request.POST.get("golden", "true") == "true")
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        where = "result" if request.POST.get("where") == "result" else "list"
        context = {"run": test, "template": template, "error": error, "workspace": workspace, "where": where}
        return page(request, "studio/partials/golden_button.html", context, status=409 if error else 200)
    return HttpResponseRedirect(reverse("studio:playground", args=[template.id]))
