"""Reads for the studio's pages: templates of the workspace, a version's
verdicts before its buttons are enabled, label histories, runs.

The verdicts ask the same functions the services enforce (approvals, the
golden gate, the evaluation's launch gate), so a button the page enables
is one the service accepts, and a disabled one says why.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from prompts.approvals import PRODUCTION, ApprovalState, approval_state
from prompts.golden import golden_gate
from prompts.models import LabelArm, PromptTemplate, TemplateLabel, TemplateTest, TemplateVersion, VersionStatus
from prompts.selectors import templates_visible, tests_of
from prompts.services import launch_blockers
from studio.models import Draft
from studio.workspace import Workspace


def workspace_templates(workspace: Workspace) -> QuerySet[PromptTemplate]:
    return templates_visible(organization_id=workspace.organization.id).order_by("task_kind", "name", "organization")


def draft_of(template: PromptTemplate) -> Draft | None:
    return Draft.objects.filter(template=template).select_related("base_version").first()


@dataclass(frozen=True)
class VersionVerdict:
    """What stands between a version and each next step."""

    approvals: ApprovalState
    activate_blockers: list[str]
    production_blockers: list[str]  # pointing production at it (empty: the button is enabled)


def version_verdict(version: TemplateVersion) -> VersionVerdict:
    state = approval_state(version)
    activate: list[str] = []
    if version.status != VersionStatus.REVIEW:
        activate.append(f"only a version in review can be activated; this one is {version.status}")
    elif why := golden_gate(version):
        activate.append(why)
    activate += state.blockers if version.status == VersionStatus.REVIEW else []
    production: list[str] = []
    if version.status != VersionStatus.ACTIVE:
        production.append(f"production may only point at active versions; this one is {version.status}")
    serving = LabelArm.objects.filter(label__template=version.template, label__name=PRODUCTION, version=version)
    if not serving.exists():
        production += state.blockers
    production += launch_blockers(version)
    return VersionVerdict(approvals=state, activate_blockers=activate, production_blockers=production)


@dataclass(frozen=True)
class LabelView:
    label: TemplateLabel
    arms: list[LabelArm]
    moves: list[Any]


def labels_of(template: PromptTemplate) -> list[LabelView]:
    labels = template.labels.order_by("name")
    return [
        LabelView(label=label, arms=list(label.arms.select_related("version")), moves=list(label.moves.all()[:10]))
        for label in labels
    ]


def runs_of(template: PromptTemplate, workspace: Workspace, *, limit: int = 20) -> list[TemplateTest]:
    """The workspace's captured runs of the template, newest first."""
    tests = tests_of(template=template, organization_id=workspace.organization.id).select_related("version")
    return list(tests[:limit])


def run_of(template: PromptTemplate, workspace: Workspace, test_id: Any) -> TemplateTest | None:
    return tests_of(template=template, organization_id=workspace.organization.id).filter(pk=test_id).first()
