"""A playground run in the studio against the real local model (llama.cpp,
SmolLM2): the browser test uses the scripted model, this one the real one."""

import json

import pytest

from prompts.models import TemplateTest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_a_studio_run_calls_the_local_model_and_is_captured(editor, own_template, model_server, settings):
    settings.LLM_PROVIDER = "local"
    settings.LLM_API_BASE = model_server
    version = own_template.versions.get()
    body = {
        "source": version.version,
        "action": "run",
        "parameters": json.dumps({"content": "Acme navy cotton T-shirt, size L.", "locale": "en-US"}),
    }
    response = editor.post(f"/studio/templates/{own_template.id}/playground/", body)
    assert response.status_code == 200, response.content[:500]
    test = TemplateTest.objects.get(version=version)
    assert test.deployment == "local-small" and test.latency_ms > 0 and test.created_by == "admin:erin"
    assert "on local-small in" in response.content.decode()
