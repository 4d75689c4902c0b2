"""Prompt governance: who must approve a version before it carries traffic.

A version is activated, and production is pointed at it, only with approvals
by people other than its author, each for the exact content hash approved:

- 1 approval for a standard template;
- 2 when the template's production label carries traffic (it points at a
  version, so the organization's jobs run it);
- 2 plus one from a security reviewer for a sensitive template (moderation,
  and any template marked sensitive).

The evaluation's launch gate applies on top (prompts.services.LAUNCH_CHECKS).
A rollback to where a label was before needs no new approval (it is recorded
as a label move and in the audit log).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from prompts.models import PromptTemplate, TemplateApproval, TemplateLabel, TemplateVersion, VersionStatus

PRODUCTION = "production"
# Task kinds whose templates always count as sensitive.
SENSITIVE_TASK_KINDS = frozenset({"moderation_summary"})


class ApprovalError(Exception):
    def __init__(self, message: str, *, code: str = "invalid_approval") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ApprovalRule:
    approvals: int
    security: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"approvals": self.approvals, "securityReviewer": self.security, "reasons": list(self.reasons)}


def template_is_sensitive(template: PromptTemplate) -> bool:
    return template.sensitive or template.task_kind in SENSITIVE_TASK_KINDS


def production_carries_traffic(template: PromptTemplate) -> bool:
    return TemplateLabel.objects.filter(template=template, name=PRODUCTION, arms__isnull=False).exists()


def approval_rule(template: PromptTemplate) -> ApprovalRule:
    sensitive = template_is_sensitive(template)
    traffic = production_carries_traffic(template)
    reasons = ["standard template: 1 approval"]
    if traffic:
        reasons.append("production carries traffic: 2 approvals")
    if sensitive:
        reasons.append("sensitive template: 2 approvals, one by a security reviewer")
    return ApprovalRule(approvals=2 if (traffic or sensitive) else 1, security=sensitive, reasons=tuple(reasons))


def approvals_valid(version: TemplateVersion) -> list[TemplateApproval]:
    """Approvals that count: for this content, by someone other than the author."""
    return [
        a
        for a in version.approvals.all()
        if a.content_hash == version.content_hash and a.approver != version.created_by
    ]


@dataclass(frozen=True)
class ApprovalState:
    rule: ApprovalRule
    approvals: list[TemplateApproval]  # those that count
    blockers: list[str]  # why the version may not carry traffic yet; empty: it may


def approval_state(version: TemplateVersion) -> ApprovalState:
    rule = approval_rule(version.template)
    valid = approvals_valid(version)
    approvers = {a.approver for a in valid}
    blockers = []
    if len(approvers) < rule.approvals:
        blockers.append(
            f"{version.version} has {len(approvers)} of the {rule.approvals} approval(s) it needs "
            f"from people other than its author ({'; '.join(rule.reasons)})"
        )
    if rule.security and not any(a.security for a in valid):
        blockers.append(f"{version.version} needs an approval by a security reviewer (sensitive template)")
    return ApprovalState(rule=rule, approvals=valid, blockers=blockers)


def approval_blockers(version: TemplateVersion) -> list[str]:
    """Why `version` may not carry traffic yet for lack of approvals (empty: it may)."""
    return approval_state(version).blockers


def version_approve(
    *, version: TemplateVersion, approver: str, security: bool = False, note: str = ""
) -> TemplateApproval:
    """Record `approver`'s approval of the version's current content.

    `security` is the caller's word that the approver is a security reviewer
    (the API checks the key's flag, admin the user's permission)."""
    if version.status not in (VersionStatus.REVIEW, VersionStatus.ACTIVE):
        raise ApprovalError(
            f"a {version.status} version cannot be approved; submit it for review", code="invalid_state"
        )
    if approver == version.created_by:
        raise ApprovalError("the author of a version cannot approve it", code="self_approval")
    try:
        with transaction.atomic():
            return TemplateApproval.objects.create(
                version=version, approver=approver, content_hash=version.content_hash, security=security, note=note
            )
    except IntegrityError:
        raise ApprovalError(f"{approver} already approved this content", code="conflict") from None
