"""The template editor: the draft, its live checks, saving with optimistic
concurrency (and the conflict view), and making a version of it."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from prompts.errors import TemplateError
from prompts.task_kinds import task_kinds
from studio.editor import EditorText, completions, editor_check, json_field
from studio.models import Draft
from studio.selectors import draft_of
from studio.services import DraftConflict, DraftText, draft_discard, draft_save, draft_start, draft_version_create
from studio.textdiff import merge3, side_by_side
from studio.views import page, studio_page
from studio.workspace import Workspace, template_for
from validation.registry import schema_reference_pin


def _text(request: HttpRequest) -> EditorText:
    return EditorText(
        system_prompt=str(request.POST.get("system_prompt", "")),
        user_prompt=str(request.POST.get("user_prompt", "")),
        few_shot_examples=str(request.POST.get("few_shot_examples", "")),
        metadata=str(request.POST.get("metadata", "")),
    )


def _output_schema(template: Any, draft: Draft) -> dict[str, Any]:
    """The output schema the draft's version would pin (metadata.outputSchema,
    else the task kind's), as validation's registry resolves it; the kind's
    own schema when the registry has none."""
    reference = str(draft.metadata.get("outputSchema") or template.task_kind)
    pin = schema_reference_pin(template.organization_id, reference)
    if pin is not None:
        return {"name": str(pin), "schema": pin.json_schema}
    return {"name": f"{template.task_kind} (task kind files)", "schema": task_kinds()[template.task_kind].output_schema}


def _editor_context(template: Any, draft: Draft, workspace: Workspace, **extra: Any) -> dict[str, Any]:
    kind = task_kinds()[template.task_kind]
    return {
        "template": template,
        "kind": kind,
        "draft": draft,
        "completions": completions(kind),
        "output_schema": _output_schema(template, draft),
        "workspace": workspace,
        **extra,
    }


@studio_page
def draft_edit(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id)
    draft = draft_of(template)
    if draft is None:
        return HttpResponseRedirect(reverse("studio:template", args=[template.id]) + "#draft")
    if request.method != "POST":
        return page(request, "studio/editor.html", _editor_context(template, draft, workspace))
    template = template_for(workspace, template_id, write=True)
    text = _text(request)
    examples, example_errors = json_field("fewShotExamples", text.few_shot_examples, list)
    metadata, metadata_errors = json_field("metadata", text.metadata, dict)
    if example_errors or metadata_errors:
        context = _editor_context(template, draft, workspace, errors=example_errors + metadata_errors, posted=text)
        return page(request, "studio/editor.html", context, status=422)
    revision = int(request.POST.get("revision") or 0)
    try:
        draft = draft_save(
            draft=draft,
            revision=revision,
            text=DraftText(text.system_prompt, text.user_prompt, examples, metadata),
            saved_by=workspace.actor,
        )
    except DraftConflict as conflict:
        return _conflict(request, workspace, template, conflict.current, text)
    if request.POST.get("action") != "version":
        messages.success(request, f"Draft saved (revision {draft.revision}).")
        return HttpResponseRedirect(reverse("studio:draft", args=[template.id]))
    try:
        version = draft_version_create(
            draft=draft,
            revision=draft.revision,
            number=str(request.POST.get("version_number", "")).strip() or None,
            created_by=workspace.actor,
        )
    except TemplateError as exc:
        context = _editor_context(template, draft, workspace, errors=exc.errors, failure=exc.message)
        return page(request, "studio/editor.html", context, status=422)
    except DraftConflict as conflict:
        return _conflict(request, workspace, template, conflict.current, text)
    messages.success(request, f"Version {version.version} created from the draft.")
    return HttpResponseRedirect(reverse("studio:version", args=[template.id, version.version]))


def _conflict(
    request: HttpRequest, workspace: Workspace, template: Any, current: Draft, mine: EditorText
) -> HttpResponse:
    """Someone saved first: both texts side by side, and a merge of the two
    edits from the text this person started from (sent back by the form)."""
    fields = []
    total = 0
    for name, title, theirs in (
        ("system_prompt", "System prompt", current.system_prompt),
        ("user_prompt", "User prompt", current.user_prompt),
    ):
        yours = getattr(mine, name)
        base = str(request.POST.get(f"base_{name}", theirs))
        merged, conflicts = merge3(base, yours, theirs)
        total += conflicts
        fields.append(
            {
                "name": name,
                "title": title,
                "rows": side_by_side(theirs, yours),
                "merged": merged,
                "conflicts": conflicts,
            }
        )
    context = _editor_context(
        template,
        current,
        workspace,
        conflict_fields=fields,
        conflicts=total,
        mine=mine,
    )
    return page(request, "studio/conflict.html", context, status=409)


@require_POST
@studio_page
def draft_check(request: HttpRequest, workspace: Workspace, template_id: UUID) -> JsonResponse:
    """The save-time checks on the editor's text as typed (no write)."""
    template = template_for(workspace, template_id)
    draft = draft_of(template)
    kind = task_kinds()[template.task_kind]
    errors = editor_check(kind=kind, text=_text(request), parent_id=draft.base_version_id if draft else None)
    return JsonResponse({"errors": [e.as_dict() for e in errors]})


@require_POST
@studio_page
def draft_start_view(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id, write=True)
    number = str(request.POST.get("version", ""))
    version = template.versions.filter(version=number).first() if number else None
    draft_start(template=template, version=version, started_by=workspace.actor)
    return HttpResponseRedirect(reverse("studio:draft", args=[template.id]))


@require_POST
@studio_page
def draft_discard_view(request: HttpRequest, workspace: Workspace, template_id: UUID) -> HttpResponse:
    template = template_for(workspace, template_id, write=True)
    draft = draft_of(template)
    if draft is not None:
        try:
            draft_discard(draft=draft, revision=int(request.POST.get("revision") or 0))
        except DraftConflict:
            messages.error(request, "Someone saved the draft since you opened it; it was not discarded.")
            return HttpResponseRedirect(reverse("studio:draft", args=[template.id]))
    messages.success(request, "Draft discarded.")
    return HttpResponseRedirect(reverse("studio:template", args=[template.id]))
