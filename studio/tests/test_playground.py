"""The playground: previews of the draft and of versions, runs through the
scripted model, the inspection of a run, and golden marks."""

import json

import pytest

from llm.scripted import scripted_responses_push
from prompts.models import TemplateTest, TemplateVersion
from studio.models import Draft
from studio.playground import fenced_segments

pytestmark = pytest.mark.django_db
PARAMETERS = {"content": "Blue cotton shirt by Acme, size M", "locale": "en-US"}


def post(client, template, headers=None, **data):
    body = {"parameters": json.dumps(PARAMETERS), "action": "preview", **data}
    return client.post(f"/studio/templates/{template.id}/playground/", body, headers=headers)


def test_the_unsaved_draft_previews_with_fences_tokens_and_cost_and_leaves_no_version(editor, own_template):
    editor.post(f"/studio/templates/{own_template.id}/draft/start")
    words = '{% extends "_base/user.jinja" %}{% block instructions %}DRAFT WORDS{% endblock %}'
    Draft.objects.filter(template=own_template).update(user_prompt=words)
    before = TemplateVersion.objects.count()
    page = post(editor, own_template, source="draft").content.decode()
    assert "unsaved draft" in page and "DRAFT WORDS" in page
    assert 'class="fence-marker"' in page and "Blue cotton shirt by Acme" in page
    assert "Prompt tokens" in page and "local-small" in page
    assert TemplateVersion.objects.count() == before


def test_htmx_gets_only_the_result_fragment(editor, own_template):
    version = own_template.versions.get().version
    response = post(editor, own_template, source=version, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="estimates"' in body


def test_parameters_outside_the_input_schema_are_named(editor, own_template):
    version = own_template.versions.get().version
    response = post(editor, own_template, source=version, parameters=json.dumps({"locale": "en-US"}))
    assert response.status_code == 422 and b"content" in response.content


def test_a_run_is_captured_inspected_and_marked_golden(editor, own_template, scripted):
    version = own_template.versions.get()
    page = post(editor, own_template, source=version.version, action="run").content.decode()
    test = TemplateTest.objects.get(version=version)
    assert test.organization_id == own_template.organization_id and test.created_by == "admin:erin"
    assert "Validation trace" in page and "Grounding per field" in page and "Injection layers" in page
    assert f"/runs/{test.id}/golden" in page
    response = editor.post(f"/studio/templates/{own_template.id}/runs/{test.id}/golden", {"golden": "true"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200 and b"golden" in response.content
    assert TemplateTest.objects.get(pk=test.pk).golden is True


def test_an_invalid_run_cannot_be_golden(editor, own_template, scripted):
    version = own_template.versions.get()
    scripted_responses_push("not json at all")
    post(editor, own_template, source=version.version, action="run")
    test = TemplateTest.objects.get(version=version)
    assert test.valid is False
    response = editor.post(f"/studio/templates/{own_template.id}/runs/{test.id}/golden", {"golden": "true"})
    assert response.status_code == 302
    assert TemplateTest.objects.get(pk=test.pk).golden is False


def test_the_draft_is_previewed_but_not_run(editor, own_template):
    editor.post(f"/studio/templates/{own_template.id}/draft/start")
    response = post(editor, own_template, source="draft", action="run")
    assert response.status_code == 422 and b"A run needs a version" in response.content


def test_fenced_segments_set_the_data_apart():
    segments = fenced_segments("Say:\n<<DATA_AB12>>\nhello\n<</DATA_AB12>>\nend")
    assert [(s.role, s.text) for s in segments] == [
        ("text", "Say:\n"), ("marker", "<<DATA_AB12>>"), ("data", "\nhello\n"), ("marker", "<</DATA_AB12>>"),
        ("text", "\nend"),
    ]  # fmt: skip


def test_a_run_goes_to_the_route_chosen_and_an_unknown_route_is_refused(editor, own_template, scripted):
    version = own_template.versions.get()
    post(editor, own_template, source=version.version, action="run", route="local-large")
    assert TemplateTest.objects.get(version=version).deployment == "local-large"
    refused = post(editor, own_template, source=version.version, action="run", route="somebody-elses-model")
    assert refused.status_code == 422 and b"Unknown route" in refused.content
    assert TemplateTest.objects.filter(version=version).count() == 1
