"""The editor: live checks with line numbers, saving with optimistic
concurrency, the conflict view's merge, and versions made from the draft."""

import pytest

from prompts.models import TemplateVersion
from studio.models import Draft
from studio.textdiff import merge3

pytestmark = pytest.mark.django_db
GOOD_USER = '{% extends "_base/user.jinja" %}{% block instructions %}Find the brand.{% endblock %}'


def start(editor, template):
    assert editor.post(f"/studio/templates/{template.id}/draft/start").status_code == 302
    return Draft.objects.get(template=template)


def form(draft, **changes):
    data = {
        "revision": draft.revision,
        "system_prompt": draft.system_prompt,
        "user_prompt": draft.user_prompt,
        "few_shot_examples": "[]",
        "metadata": "{}",
        "base_system_prompt": draft.system_prompt,
        "base_user_prompt": draft.user_prompt,
    }
    return {**data, **changes}


def test_the_check_endpoint_flags_an_undefined_variable_on_its_line(editor, own_template):
    draft = start(editor, own_template)
    text = "Line one\nHello {{ custmer_tier }}"
    response = editor.post(f"/studio/templates/{own_template.id}/draft/check", form(draft, user_prompt=text))
    errors = response.json()["errors"]
    assert errors == [{"field": "userPrompt", "message": "undefined variable 'custmer_tier'", "line": 2, "column": 10}]
    fixed = editor.post(f"/studio/templates/{own_template.id}/draft/check", form(draft, user_prompt=GOOD_USER))
    assert fixed.json()["errors"] == []


def test_syntax_errors_and_bad_json_carry_their_lines(editor, own_template):
    draft = start(editor, own_template)
    body = form(draft, system_prompt="a\n{% if x %}\nno end", metadata='{"tier": }')
    errors = editor.post(f"/studio/templates/{own_template.id}/draft/check", body).json()["errors"]
    assert {k: errors[0][k] for k in ("field", "line")} == {"field": "metadata", "line": 1}
    assert any(e["field"] == "systemPrompt" and e["message"].startswith("syntax error") and e["line"] for e in errors)


def test_a_save_from_a_stale_revision_shows_both_texts_and_merges_them(member, own_template):
    erin, finn = member("erin"), member("finn")
    draft = start(erin, own_template)
    base = "rule one\nrule two\nrule three\n"
    erin.post(f"/studio/templates/{own_template.id}/draft/", form(draft, user_prompt=base))
    draft.refresh_from_db()
    # Both open revision 2; finn saves first.
    finn_form = form(draft, user_prompt="RULE ONE\nrule two\nrule three\n")
    assert finn.post(f"/studio/templates/{own_template.id}/draft/", finn_form).status_code == 302
    erin_form = form(draft, user_prompt="rule one\nrule two\nrule three, shorter\n")
    response = erin.post(f"/studio/templates/{own_template.id}/draft/", erin_form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "admin:finn saved revision 3" in page
    # The merge keeps finn's first line and erin's last, without conflict markers.
    assert "RULE ONE\nrule two\nrule three, shorter\n" in page and "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" not in page
    assert Draft.objects.get(pk=draft.pk).user_prompt == "RULE ONE\nrule two\nrule three\n"  # nothing overwritten
    merged = form(Draft.objects.get(pk=draft.pk), user_prompt="RULE ONE\nrule two\nrule three, shorter\n")
    assert erin.post(f"/studio/templates/{own_template.id}/draft/", merged).status_code == 302
    assert Draft.objects.get(pk=draft.pk).revision == 4


def test_merge3_marks_lines_both_changed():
    merged, conflicts = merge3("a\nb\nc\n", "a\nB\nc\n", "a\nX\nc\n")
    assert conflicts == 1
    assert merged == "a\n<<<<<<< yours\nB\n=======\nX\n>>>>>>> saved by someone else\nc\n"
    assert merge3("a\nb\n", "A\nb\n", "a\nb\nc\n") == ("A\nb\nc\n", 0)


def test_a_version_is_made_from_the_draft_through_the_save_time_checks(editor, own_template):
    draft = start(editor, own_template)
    bad = form(draft, user_prompt="{{ nope }}", action="version", version_number="1.5.0")
    response = editor.post(f"/studio/templates/{own_template.id}/draft/", bad)
    assert response.status_code == 422 and b"undefined variable" in response.content
    assert not TemplateVersion.objects.filter(template=own_template, version="1.5.0").exists()
    draft.refresh_from_db()
    good = form(draft, user_prompt=GOOD_USER, action="version", version_number="1.5.0")
    response = editor.post(f"/studio/templates/{own_template.id}/draft/", good)
    assert response.status_code == 302 and response["Location"].endswith("/versions/1.5.0/")
    version = TemplateVersion.objects.get(template=own_template, version="1.5.0")
    assert version.user_prompt == GOOD_USER and version.status == "draft" and version.created_by == "admin:erin"
    assert Draft.objects.get(pk=draft.pk).base_version == version


def test_the_editor_page_offers_completions_and_the_output_schema(editor, own_template):
    start(editor, own_template)
    page = editor.get(f"/studio/templates/{own_template.id}/draft/").content.decode()
    assert 'id="studio-completions"' in page and "few_shot(examples, n, by_similarity=false)" in page
    assert "customer_tier" in page and "Output schema: metadata_enrichment@" in page
