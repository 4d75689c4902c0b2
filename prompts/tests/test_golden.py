"""Golden tests gate activation: a version that regresses on them stays in review."""

import pytest

from llm.scripted import scripted_responses_push
from prompts.golden import golden_run_execute
from prompts.models import GoldenRun, PromptTemplate, TemplateVersion
from prompts.services import template_fork
from prompts.tests.factories import approvals_give
from tenants.models import Organization, Role

pytestmark = pytest.mark.django_db
SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}Extract attributes.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'


def own_copy(name: str) -> PromptTemplate:
    platform = PromptTemplate.objects.get(name=name, organization__isnull=True)
    return template_fork(template=platform, organization=Organization.objects.get(slug="acme"), forked_by="t")


def test_golden_tests_run_on_submit_and_block_activation_on_a_regression(org_factory, scripted):
    from beacon.testing import client_for

    editor = client_for(org_factory("acme", Role.EDITOR)[1])
    template = own_copy("metadata_enrichment")
    base = f"/api/v1/templates/{template.id}"
    executed = editor.post(f"{base}/test", {"parameters": {"content": "Navy shirt", "locale": "en-US"},
                                             "execute": True}, format="json").json()["data"]["execution"]  # fmt: skip
    assert editor.patch(f"{base}/tests/{executed['testId']}", {"golden": True}, format="json").status_code == 200
    assert editor.get(f"{base}/tests").json()["data"][0]["golden"] is True

    def candidate(number, answer):
        editor.post(f"{base}/versions", {"systemPrompt": SYSTEM, "userPrompt": USER, "version": number},
                    format="json")  # fmt: skip
        assert editor.post(f"{base}/versions/{number}/submit").status_code == 200
        run = GoldenRun.objects.get(version__version=number, version__template=template)
        blocked = editor.post(f"{base}/versions/{number}/activate")
        assert blocked.status_code == 409 and "still running" in blocked.json()["error"]["message"]
        if answer is not None:
            scripted_responses_push(answer)
        approvals_give(TemplateVersion.objects.get(template=template, version=number))
        return golden_run_execute(str(run.id))

    regressed = candidate("1.1.0", "not json at all")
    assert regressed.status == "failed"
    refused = editor.post(f"{base}/versions/1.1.0/activate")
    assert refused.status_code == 409 and "regressed" in refused.json()["error"]["message"]

    passed = candidate("1.2.0", None)  # the scripted model answers a valid output
    assert passed.status == "passed"
    assert editor.post(f"{base}/versions/1.2.0/activate").json()["data"]["status"] == "active"


def test_only_a_valid_test_can_be_golden(org_factory, scripted):
    from beacon.testing import client_for

    editor = client_for(org_factory("acme", Role.EDITOR)[1])
    template = own_copy("metadata_enrichment")
    scripted_responses_push("garbage")
    executed = editor.post(f"/api/v1/templates/{template.id}/test",
                           {"parameters": {"content": "x", "locale": "en-US"}, "execute": True},
                           format="json").json()["data"]["execution"]  # fmt: skip
    assert executed["valid"] is False
    response = editor.patch(f"/api/v1/templates/{template.id}/tests/{executed['testId']}", {"golden": True},
                            format="json")  # fmt: skip
    assert response.status_code == 409
