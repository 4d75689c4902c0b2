"""The playground: a version (or the unsaved draft) rendered with sample
parameters or a dataset record, its tokens and cost per tier before
anything runs, then a run against the model, inspected field by field.

Rendering, pricing and running are prompts' preview_render, the same code
as `POST /api/v1/templates/{id}/test`: a run passes the same budget, PII and
injection guards, lands in the model-call ledger and is kept as a test.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from evals.models import EvalDataset, EvalItem
from llm.registry import registry
from prompts.models import PromptTemplate, TemplateVersion
from prompts.preview import preview_render
from prompts.task_kinds import TaskKind
from studio.models import Draft
from validation.grounding import ground_extraction, ground_generation
from validation.rules import RuleError, rules_evaluate

# The number the unsaved draft renders under: a version only for the length
# of one rolled-back transaction (draft_preview), never committed.
DRAFT_PREVIEW_NUMBER = "999999999.0.0"
FENCE = re.compile(r"(<<(DATA_[A-Z0-9_]+)>>)(.*?)(<</\2>>)", re.DOTALL)
SAMPLE = {"content": "Blue cotton shirt by Acme, size M. Machine washable.", "locale": "en-US"}


class _PreviewDone(Exception):
    """Raised to roll back the draft's stand-in version after its preview."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__("preview done")
        self.result = result


def draft_preview(*, draft: Draft, parameters: dict[str, Any], organization_id: Any) -> dict[str, Any]:
    """preview_render of the draft's text, which is no version yet.

    prompts renders and prices stored versions only (its loader reads them
    by id, so `{% extends parent.system %}` resolves). The draft is saved as
    a stand-in version inside a transaction that is always rolled back, and
    previewed through the one code path that previews versions; no model is
    called and nothing of it is kept. Running the draft needs a real
    version: a run is kept as a test of a version, so it stays reproducible
    and can become golden."""
    try:
        with transaction.atomic():
            TemplateVersion.objects.create(
                template=draft.template,
                version=DRAFT_PREVIEW_NUMBER,
                system_prompt=draft.system_prompt,
                user_prompt=draft.user_prompt,
                few_shot_examples=draft.few_shot_examples,
                metadata=draft.metadata,
                parent=draft.base_version,
                created_by="studio draft preview",
            )
            result = preview_render(
                template=draft.template,
                selector=DRAFT_PREVIEW_NUMBER,
                parameters=parameters,
                execute=False,
                organization_id=organization_id,
            )
            raise _PreviewDone(result)
    except _PreviewDone as done:
        return {**done.result, "version": "unsaved draft"}


def version_preview(
    *,
    template: PromptTemplate,
    version: TemplateVersion,
    parameters: dict[str, Any],
    execute: bool,
    workspace: Any,
    route: str = "",
) -> dict[str, Any]:
    """preview_render of a stored version; with `execute`, a captured run
    on `route` (a tier or a deployment; empty: the version's tier)."""
    return preview_render(
        template=template,
        selector=version.version,
        parameters=parameters,
        execute=execute,
        organization_id=workspace.organization.id,
        created_by=workspace.actor,
        route=route or None,
    )


def route_choices() -> list[tuple[str, str]]:
    """What a run may be sent to: the version's own tier, either tier, or one
    enabled deployment of the registry."""
    choices = [("", "the version's tier"), ("small", "small tier"), ("large", "large tier")]
    return choices + [(d.name, f"{d.name} ({d.tier})") for d in registry().enabled()]


@dataclass(frozen=True)
class Segment:
    text: str
    role: str  # "text" | "marker" | "data"


def fenced_segments(content: str) -> list[Segment]:
    """A rendered message cut into plain text, fence markers and the fenced
    (untrusted) data between them, for the page to set apart."""
    segments: list[Segment] = []
    position = 0
    for match in FENCE.finditer(content):
        if match.start() > position:
            segments.append(Segment(content[position : match.start()], "text"))
        segments += [
            Segment(match.group(1), "marker"),
            Segment(match.group(3), "data"),
            Segment(match.group(4), "marker"),
        ]
        position = match.end()
    if position < len(content):
        segments.append(Segment(content[position:], "text"))
    return segments


def run_inspection(*, kind: TaskKind, output: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    """What validation would say of a run's output beyond its schema: each
    of the kind's rules (the trace) and the grounding of each field in the
    run's own input, with validation's own functions."""
    if output is None:
        return {"trace": [], "grounding": []}
    try:
        trace = [r.as_dict() for r in rules_evaluate(list(kind.rules), output)]
    except RuleError as exc:
        trace = [{"rule": "rules", "kind": "error", "path": "", "passed": False, "message": str(exc)}]
    if kind.output_kind == "extraction":
        grounding = ground_extraction(output, parameters).as_dict()
    elif kind.output_kind == "generation":
        grounding = ground_generation(output, parameters).as_dict()
    else:
        grounding = []
    return {"trace": trace, "grounding": grounding}


def dataset_records(kind: TaskKind, *, limit: int = 50) -> list[EvalItem]:
    """Records of the kind from the latest version of each evaluation dataset,
    to run the playground on real inputs."""
    latest: dict[str, EvalDataset] = {}
    for dataset in EvalDataset.objects.order_by("name", "-version"):
        latest.setdefault(dataset.name, dataset)
    items = EvalItem.objects.filter(dataset__in=latest.values(), task_kind=kind.name).select_related("dataset")
    return list(items.order_by("dataset__name", "id")[:limit])
