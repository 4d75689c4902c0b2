"""Prompt governance: approvals by others, per content hash, more of them
when production carries traffic or the template is sensitive."""

import pytest
from django.contrib.auth.models import Permission

from prompts.approvals import ApprovalError, approval_blockers, approval_rule, version_approve
from prompts.models import PromptTemplate, TemplateApproval, TemplateVersion
from prompts.services import (
    PRODUCTION,
    Arm,
    TemplateError,
    label_rollback,
    label_set,
    template_create,
    version_create,
    version_transition,
)
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
    assert label.arms.get().version == first and label.moves.get(reason="rollback: worse")


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


def test_admin_enforces_the_same_rules(client, django_user_model):
    template = template_create(organization=None, name="moderation-admin", task_kind="moderation_summary")
    version = in_review(template)
    url = "/admin/prompts/templateversion/"

    def act(user, action):
        client.force_login(user)
        return client.post(url, {"action": action, "_selected_action": [str(version.pk)]}, follow=True)

    ops = django_user_model.objects.create_superuser("ops", password="x")  # security_review included
    act(ops, "approve")
    refused = act(ops, "activate").content.decode()
    assert "1 of the 2 approval(s)" in refused
    assert TemplateVersion.objects.get(pk=version.pk).status == "review"
    staff = django_user_model.objects.create_user("kim", password="x", is_staff=True)
    wanted = ["view_templateversion", "change_templateversion"]
    staff.user_permissions.add(*Permission.objects.filter(codename__in=wanted))
    act(staff, "approve")
    act(staff, "activate")
    assert TemplateVersion.objects.get(pk=version.pk).status == "active"
    assert list(version.approvals.values_list("approver", "security")) == [("admin:ops", True), ("admin:kim", False)]


def test_a_platform_operator_changes_a_default_by_command_under_the_same_rules(tmp_path, org_factory):
    from django.core.management import CommandError, call_command

    from prompts.resolution import template_resolve

    org, _ = org_factory("acme")
    (tmp_path / "system.jinja").write_text(SYSTEM.replace("Extract attributes.", "Extract every attribute."))
    (tmp_path / "user.jinja").write_text(USER)
    run = ["product_description"]
    call_command("platform_template", "version", *run, "--system", str(tmp_path / "system.jinja"),
                 "--user", str(tmp_path / "user.jinja"), "--as", "ana")  # fmt: skip
    call_command("platform_template", "submit", *run, "1.1.0")
    with pytest.raises(CommandError, match="approval"):
        call_command("platform_template", "activate", *run, "1.1.0")
    with pytest.raises(CommandError, match="author"):
        call_command("platform_template", "approve", *run, "1.1.0", "--as", "ana")
    call_command("platform_template", "approve", *run, "1.1.0", "--as", "bo")
    call_command("platform_template", "approve", *run, "1.1.0", "--as", "cy")
    call_command("platform_template", "activate", *run, "1.1.0")
    call_command("platform_template", "label", *run, "production", "1.1.0", "--reason", "better", "--as", "ana")
    params = {"content": "x", "locale": "en-US"}
    resolved = template_resolve(template_id="product_description", selector=None, parameters=params,
                                organization_id=org.id)  # fmt: skip
    assert resolved.version.version == "1.1.0" and resolved.template.organization is None
