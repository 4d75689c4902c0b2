"""The templates API end to end, with role checks on every endpoint."""

import pytest

from beacon.testing import client_for
from prompts.models import PromptTemplate, TemplateTest
from prompts.task_kinds import task_kinds
from tenants.models import ApiKey, Role

pytestmark = pytest.mark.django_db
SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}Summarise the reviews.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Summarise.{% endblock %}'
PARAMS = {"content": "Great kettle, boils fast.", "locale": "en-US"}


@pytest.fixture
def clients(org_factory):
    keys = {role: org_factory("acme", role)[1] for role in (Role.VIEWER, Role.EDITOR, Role.ADMIN)}
    return {role: client_for(key) for role, key in keys.items()}


@pytest.fixture
def reviewers(org_factory):
    """Two more editors of acme (other people than the author); the second
    is a security reviewer."""
    first, second = org_factory("acme", Role.EDITOR)[1], org_factory("acme", Role.EDITOR)[1]
    ApiKey.objects.filter(prefix=second[:10]).update(security_reviewer=True)
    return client_for(first), client_for(second)


def own_copy(editor, name):
    """Fork the platform template `name` into acme's own; its API base path."""
    platform = PromptTemplate.objects.get(name=name, organization__isnull=True)
    forked = editor.post(f"/api/v1/templates/{platform.id}/fork")
    assert forked.status_code == 201, forked.json()
    return f"/api/v1/templates/{forked.json()['data']['id']}"


def test_the_full_life_of_a_template(clients, reviewers):
    editor, viewer, admin = clients[Role.EDITOR], clients[Role.VIEWER], clients[Role.ADMIN]
    created = editor.post("/api/v1/templates", {"name": "moderation-short", "taskKind": "moderation_summary"},
                          format="json")  # fmt: skip
    assert created.status_code == 201
    base = f"/api/v1/templates/{created.json()['data']['id']}"
    version = editor.post(f"{base}/versions", {"systemPrompt": SYSTEM, "userPrompt": USER}, format="json")
    assert version.status_code == 201 and version.json()["data"]["status"] == "draft"
    assert version.json()["data"]["outputSchema"] == "moderation_summary@1.0.0"  # pinned at creation
    assert editor.post(f"{base}/versions/1.0.0/submit").json()["data"]["status"] == "review"
    # Moderation is sensitive: two approvals by others, one a security reviewer's.
    refused = editor.post(f"{base}/versions/1.0.0/activate")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "approval_required"
    assert editor.post(f"{base}/versions/1.0.0/approve", {}, format="json").json()["error"]["code"] == "self_approval"
    first, security = reviewers
    assert first.post(f"{base}/versions/1.0.0/approve", {"security": True}, format="json").status_code == 403
    assert first.post(f"{base}/versions/1.0.0/approve", {}, format="json").status_code == 201
    assert first.post(f"{base}/versions/1.0.0/approve", {}, format="json").status_code == 409  # once each
    assert editor.post(f"{base}/versions/1.0.0/activate").status_code == 409  # one of two
    approved = security.post(f"{base}/versions/1.0.0/approve", {"security": True}, format="json")
    assert approved.status_code == 201 and approved.json()["data"]["approvalBlockers"] == []
    assert editor.post(f"{base}/versions/1.0.0/activate").json()["data"]["status"] == "active"
    moved = editor.put(f"{base}/labels/production", {"arms": [{"version": "1.0.0"}], "reason": "launch"},
                       format="json")  # fmt: skip
    assert moved.status_code == 200 and moved.json()["data"]["arms"] == [{"version": "1.0.0", "weight": 100}]
    second = editor.post(f"{base}/versions", {"systemPrompt": SYSTEM.replace("reviews", "customer reviews"),
                                              "userPrompt": USER, "parentVersion": "1.0.0"}, format="json")  # fmt: skip
    assert second.json()["data"]["version"] == "1.1.0" and second.json()["data"]["parentVersion"] == "1.0.0"
    diff = viewer.get(f"{base}/diff?from=1.0.0&to=1.1.0").json()["data"]["diff"]
    assert "-{% extends" in diff["systemPrompt"] and "customer reviews" in diff["systemPrompt"]
    assert diff["userPrompt"] == ""
    preview = editor.post(f"{base}/test", {"parameters": PARAMS}, format="json").json()["data"]
    assert preview["version"] == "1.0.0" and preview["label"] == "production"
    assert "Summarise the reviews." in preview["messages"][0]["content"]
    assert preview["estimates"]["small"]["promptTokens"] == sum(preview["estimates"]["small"]["messageTokens"]) > 0
    detail = viewer.get(base).json()["data"]
    assert [v["version"] for v in detail["versions"]] == ["1.1.0", "1.0.0"]
    assert detail["labels"][0]["history"][0]["reason"] == "launch"
    assert editor.delete(base).status_code == 403
    assert admin.delete(base).status_code == 204
    assert viewer.get(base).status_code == 404


def test_errors_are_in_the_api_format_with_line_numbers(clients):
    editor = clients[Role.EDITOR]
    base = own_copy(editor, "product_description")
    bad = editor.post(f"{base}/versions", {"systemPrompt": SYSTEM, "userPrompt": "a\\n{{ oops"}, format="json")
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["code"] == "validation_error" and error["details"][0]["field"] == "userPrompt"
    assert "line" in error["details"][0]
    again = editor.post(f"{base}/versions", {"systemPrompt": SYSTEM, "userPrompt": USER, "version": "1.0.0"},
                        format="json")  # fmt: skip
    assert again.status_code == 409
    assert editor.post(f"{base}/versions/1.0.0/activate").status_code == 409  # already active
    assert editor.get(f"{base}/diff?from=1.0.0").status_code == 422
    wrong = editor.post(f"{base}/test", {"parameters": {"content": "x", "locale": "english"}}, format="json")
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "parameters.locale"
    assert editor.post("/api/v1/templates", {"name": "x", "taskKind": "poetry"}, format="json").status_code == 422


def test_rollback_through_the_api(clients, reviewers):
    editor = clients[Role.EDITOR]
    base = own_copy(editor, "product_description")
    editor.post(f"{base}/versions", {"systemPrompt": SYSTEM, "userPrompt": USER}, format="json")
    editor.post(f"{base}/versions/1.1.0/submit")
    for reviewer in reviewers:  # production carries traffic: two approvals
        assert reviewer.post(f"{base}/versions/1.1.0/approve", {}, format="json").status_code == 201
    assert editor.post(f"{base}/versions/1.1.0/activate").status_code == 200
    moved = editor.put(f"{base}/labels/production", {"arms": [{"version": "1.1.0"}], "reason": "new"}, format="json")
    assert moved.status_code == 200
    rolled = editor.post(f"{base}/labels/production/rollback", {"reason": "worse"}, format="json").json()["data"]
    assert rolled["arms"] == [{"version": "1.0.0", "weight": 100}]
    assert rolled["history"][0]["reason"] == "rollback: worse"


@pytest.mark.parametrize(
    ("method", "path", "role", "allowed"),
    [("get", "", Role.VIEWER, True), ("post", "/versions", Role.VIEWER, False),
     ("post", "/versions/1.0.0/deprecate", Role.VIEWER, False), ("put", "/labels/production", Role.VIEWER, False),
     ("post", "/labels/production/rollback", Role.VIEWER, False), ("post", "/test", Role.VIEWER, False),
     ("get", "/versions", Role.VIEWER, True), ("get", "/labels/production", Role.VIEWER, True),
     ("delete", "", Role.EDITOR, False)],
)  # fmt: skip
def test_roles_on_every_endpoint(clients, method, path, role, allowed):
    base = own_copy(clients[Role.EDITOR], "taxonomy_tagging")
    response = getattr(clients[role], method)(f"{base}{path}", {}, format="json")
    assert (response.status_code != 403) is allowed
    assert client_for("bk_nope").get("/api/v1/templates").status_code == 401


def test_an_executed_test_runs_the_model_and_is_stored(clients, scripted):
    template = PromptTemplate.objects.get(name="metadata_enrichment")
    response = clients[Role.EDITOR].post(f"/api/v1/templates/{template.id}/test",
                                         {"parameters": PARAMS, "execute": True}, format="json")  # fmt: skip
    execution = response.json()["data"]["execution"]
    assert execution["valid"] is True and execution["deployment"] == "local-small"
    stored = TemplateTest.objects.get(pk=execution["testId"])
    assert stored.valid and stored.version.version == task_kinds()["metadata_enrichment"].version


def test_admin_shows_a_side_by_side_diff(admin_client):
    from prompts.services import version_create

    template = PromptTemplate.objects.get(name="metadata_enrichment")
    version = version_create(template=template, system_prompt=SYSTEM, user_prompt=USER)
    page = admin_client.get(f"/admin/prompts/templateversion/{version.id}/change/")
    assert page.status_code == 200
    assert b"diff_add" in page.content or b"diff_chg" in page.content


def test_editing_a_version_creates_a_new_one_and_template_fields_update(clients):
    editor = clients[Role.EDITOR]
    base = own_copy(editor, "product_description")
    edited = editor.patch(f"{base}/versions/1.0.0", {"metadata": {"tier": "small", "maxTokens": 300}}, format="json")
    assert edited.status_code == 201
    data = edited.json()["data"]
    assert data["version"] == "1.1.0" and data["status"] == "draft" and data["metadata"]["tier"] == "small"
    original = editor.get(f"{base}/versions/1.0.0").json()["data"]
    assert original["status"] == "active" and original["metadata"]["tier"] == "large"
    assert (
        editor.patch(base, {"description": "Attributes with evidence"}, format="json").json()["data"]["description"]
        == "Attributes with evidence"
    )
