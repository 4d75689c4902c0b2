"""Versions side by side, golden re-runs with the diff of outputs,
approvals, activation and label moves with their verdicts shown first."""

import pytest

from llm.scripted import scripted_responses_push
from prompts.golden import golden_run_execute
from prompts.models import GoldenRun, LabelMove, TemplateTest, TemplateVersion
from prompts.services import version_create
from studio.golden import golden_comparisons, golden_rerun, output_leaves
from studio.selectors import version_verdict
from tenants.models import Role

pytestmark = pytest.mark.django_db
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Say it again.{% endblock %}'


def new_version(template, number="1.9.0", author="admin:erin"):
    base = template.versions.order_by("-created_at").first()
    return version_create(template=template, system_prompt=base.system_prompt, user_prompt=USER,
                          parent=base, version=number, created_by=author)  # fmt: skip


def test_the_diff_page_shows_versions_side_by_side(editor, own_template):
    version = new_version(own_template)
    base = own_template.versions.exclude(pk=version.pk).get().version
    page = editor.get(f"/studio/templates/{own_template.id}/diff/?from={base}&to=1.9.0").content.decode()
    assert "<ins>" in page and "Say it again." in page and "line(s) differ" in page


def test_golden_tests_rerun_on_a_new_version_with_the_diff_of_outputs(editor, own_template, scripted):
    old = own_template.versions.get()
    golden = TemplateTest.objects.create(version=old, organization=own_template.organization, golden=True, valid=True,
                                         parameters={"content": "Blue cotton shirt by Acme", "locale": "en-US"},
                                         output={"attributes": {"brand": {"value": "Acme"}}})  # fmt: skip
    version = new_version(own_template)
    reruns = golden_rerun(version=version, run_by="admin:erin")
    assert len(reruns) == 1 and reruns[0].golden_test == golden and reruns[0].rerun_test is not None
    assert golden_rerun(version=version, run_by="admin:erin") == []  # a redelivered task does nothing
    comparison = golden_comparisons(version)[0]
    assert comparison.leaves and comparison.golden == golden
    page = editor.get(f"/studio/templates/{own_template.id}/versions/1.9.0/").content.decode()
    assert "Output fields, golden beside new" in page and "attributes.brand.value" in page


def test_output_leaves_name_every_value_by_path():
    assert output_leaves({"a": {"b": 1}, "c": [2, {"d": None}], "e": []}) == {
        "a.b": 1,
        "c[0]": 2,
        "c[1].d": None,
        "e": [],
    }


def test_approve_activate_and_move_production_with_the_verdict_before_the_button(member, own_template, scripted):
    erin, finn = member("erin"), member("finn", Role.EDITOR)
    version = new_version(own_template, author="admin:erin")
    url = f"/studio/templates/{own_template.id}/versions/1.9.0/"
    page = erin.get(url).content.decode()
    assert 'id="production-button" disabled' in page and "production may only point at active versions" in page
    assert erin.post(url + "submit").status_code == 302
    version = TemplateVersion.objects.get(pk=version.pk)
    assert version.status == "review"
    # The author cannot approve their own version, here or anywhere.
    assert "You wrote this version" in erin.get(url).content.decode()
    erin.post(url + "approve")
    assert not version.approvals.exists()
    page = finn.get(url).content.decode()
    assert 'id="activate-button" disabled' in page
    finn.post(url + "approve", {"note": "reads well"})
    finn_member = version.approvals.get()
    assert finn_member.approver == "admin:finn"
    # Production carries traffic: two approvals. A second person approves.
    member("gail").post(url + "approve")
    assert version_verdict(version).approvals.blockers == []
    assert erin.post(url + "activate").status_code == 302
    version = TemplateVersion.objects.get(pk=version.pk)
    assert version.status == "active"
    assert 'id="production-button" disabled' not in erin.get(url).content.decode()
    erin.post(f"/studio/templates/{own_template.id}/labels",
              {"label": "production", "version_0": "1.9.0", "weight_0": "100", "reason": "better wording"})  # fmt: skip
    move = LabelMove.objects.filter(label__template=own_template, label__name="production").first()
    assert move is not None
    assert move.arms[0]["version"] == "1.9.0" and move.moved_by == "admin:erin" and move.reason == "better wording"


def test_a_failing_golden_run_blocks_activation_and_says_why(editor, own_template, scripted):
    old = own_template.versions.get()
    TemplateTest.objects.create(version=old, organization=own_template.organization, golden=True, valid=True,
                                parameters={"content": "Blue shirt", "locale": "en-US"}, output={})  # fmt: skip
    new_version(own_template)
    url = f"/studio/templates/{own_template.id}/versions/1.9.0/"
    editor.post(url + "submit")
    scripted_responses_push("not json")
    golden_run_execute(str(GoldenRun.objects.get(version__version="1.9.0", version__template=own_template).id))
    assert "golden test(s) failed" in editor.get(url).content.decode()
    assert TemplateVersion.objects.get(template=own_template, version="1.9.0").status == "review"
