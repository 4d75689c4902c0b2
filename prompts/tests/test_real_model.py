"""A template test executed against the real local model (llama.cpp, SmolLM2)."""

import pytest

from beacon.testing import client_for
from prompts.models import PromptTemplate, TemplateTest
from tenants.models import Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_an_executed_template_test_runs_the_local_model(org_factory, model_server, settings):
    settings.LLM_PROVIDER = "local"
    settings.LLM_API_BASE = model_server
    editor = client_for(org_factory("acme", Role.EDITOR)[1])
    template = PromptTemplate.objects.get(name="metadata_enrichment")
    body = {"parameters": {"content": "Acme navy cotton T-shirt, size L.", "locale": "en-US"}, "execute": True}
    data = editor.post(f"/api/v1/templates/{template.id}/test", body, format="json").json()["data"]
    execution = data["execution"]
    assert execution["deployment"] == "local-small" and execution["text"]
    assert execution["latencyMs"] > 0
    assert TemplateTest.objects.get(pk=execution["testId"]).validation == execution["validation"]
