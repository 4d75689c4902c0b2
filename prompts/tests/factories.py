"""Test helpers for the template registry: approvals by people other than
the author, as many as the template's rule asks for."""

from prompts.approvals import approval_rule, version_approve
from prompts.models import TemplateVersion, VersionStatus
from prompts.services import version_transition


def approvals_give(version: TemplateVersion, *, prefix: str = "reviewer") -> None:
    """Approve `version` (in review or active) as its rule requires."""
    rule = approval_rule(version.template)
    for n in range(rule.approvals):
        version_approve(version=version, approver=f"{prefix}-{n + 1}", security=rule.security and n == 0)


def version_activate(version: TemplateVersion) -> TemplateVersion:
    """Submit (when a draft), approve and activate."""
    if version.status == VersionStatus.DRAFT:
        version = version_transition(version=version, action="submit")
    approvals_give(version)
    return version_transition(version=version, action="activate")
