"""Prompt governance: approvals by others, per content hash, more of them
when production carries traffic or the template is sensitive."""

import pytest

from prompts.approvals import ApprovalError, approval_blockers, approval_rule, version_approve
from prompts.models import PromptTemplate, TemplateApproval
from prompts.services import PRODUCTION, Arm, TemplateError, label_rollback, label_set, template_create, version_create
from prompts.services import version_transition
from prompts.tests.factories import version_activate

pytestmark = pytest.mark.django_db
SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}Extract attributes.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'


def in_review(template: PromptTemplate, text: str = "Extract attributes.", author: str = "ana"):
    version = version_create(template=template, system_prompt=SYSTEM.replace("Extract attributes.", text),
                             user_prompt=USER, created_by=author)  # fmt: skip
    return version_transition(version=version, action="submit")


def test_a_new_template_needs_one_approval_by_someone_other_than_the_author():
    template = template_create(organization=None, name="enrich-x", task_kind="metadata_enrichment")
    version = in_review(template)
    with pytest.raises(TemplateError) as caught:
        version_transition(version=version, action="activate")
    assert caught.value.code == "approval_required" and "0 of the 1" in caught.value.message
    with pytest.raises(ApprovalError) as refused:
        version_approve(version=version, approver="ana")
    assert refused.value.code == "self_approval"
    version_approve(version=version, approver="bo")
    assert version_transition(version=version, action="activate").status == "active"


def test_production_with_traffic_needs_two_and_a_rollback_needs_none():
    template = template_create(organization=None, name="enrich-y", task_kind="metadata_enrichment")
    first = version_activate(in_review(template))
    assert approval_rule(template).approvals == 1
    label_set(template=template, name=PRODUCTION, arms=[Arm(first)], moved_by="ana", reason="launch")
    assert approval_rule(template).approvals == 2  # production now carries traffic
    second = in_review(template, "Find attributes.")
    version_approve(version=second, approver="bo")
    with pytest.raises(TemplateError):
        version_transition(version=second, action="activate")
    version_approve(version=second, approver="cy")
    second = version_transition(version=second, action="activate")
    label_set(template=template, name=PRODUCTION, arms=[Arm(second)], moved_by="ana", reason="better")
    # Back to the version that was live: no new approvals, and the move is recorded.
    label = label_rollback(template=template, name=PRODUCTION, moved_by="ana", reason="worse")
    assert label.arms.get().version == first and label.moves.first().reason == "rollback: worse"


def test_an_approval_counts_only_for_the_content_it_approved():
    template = template_create(organization=None, name="enrich-z", task_kind="metadata_enrichment")
    version = in_review(template)
    TemplateApproval.objects.create(version=version, approver="bo", content_hash="0" * 64)  # other content
    TemplateApproval.objects.create(version=version, approver="ana", content_hash=version.content_hash)  # the author
    assert approval_blockers(version)
    version_approve(version=version, approver="bo")
    assert approval_blockers(version) == []


def test_a_sensitive_template_needs_two_approvals_one_by_a_security_reviewer():
    moderation = template_create(organization=None, name="moderation-x", task_kind="moderation_summary")
    marked = template_create(organization=None, name="enrich-s", task_kind="metadata_enrichment", sensitive=True)
    for template in (moderation, marked):
        version = in_review(template)
        version_approve(version=version, approver="bo")
        version_approve(version=version, approver="cy")
        assert any("security reviewer" in why for why in approval_blockers(version))
        version_approve(version=version, approver="dee", security=True)
        assert version_transition(version=version, action="activate").status == "active"


def test_a_draft_cannot_be_approved():
    template = template_create(organization=None, name="enrich-d", task_kind="metadata_enrichment")
    draft = version_create(template=template, system_prompt=SYSTEM, user_prompt=USER, created_by="ana")
    with pytest.raises(ApprovalError) as caught:
        version_approve(version=draft, approver="bo")
    assert caught.value.code == "invalid_state"
