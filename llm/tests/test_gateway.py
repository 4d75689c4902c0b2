import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from jsonschema import Draft202012Validator

from llm.errors import PermanentModelError, TransientModelError
from llm.gateway import complete
from llm.json_modes import response_format_for
from llm.scripted import schema_example
from prompts.task_kinds import task_kinds


class _Provider(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint on loopback that answers what a test asks."""

    status = 200
    body: dict = {}
    requests: list[dict] = []

    def do_POST(self):
        _Provider.requests.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
        payload = json.dumps(_Provider.body).encode()
        self.send_response(_Provider.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Provider.requests = []
    settings.LLM_PROVIDER = "local"
    settings.LLM_API_BASE = f"http://127.0.0.1:{server.server_port}/v1"
    yield _Provider
    server.shutdown()


def _call():
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    return complete(messages=[{"role": "user", "content": "hi"}], schema=schema, max_tokens=5, temperature=0)


def test_a_completion_reports_text_and_usage_and_sends_the_schema(provider):
    provider.status = 200
    provider.body = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": '{"a": 1}'}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }
    completion = _call()
    assert (completion.text, completion.prompt_tokens, completion.completion_tokens) == ('{"a": 1}', 7, 3)
    sent = provider.requests[-1]["response_format"]
    assert sent["type"] == "json_object" and sent["schema"]["properties"]["a"]["type"] == "integer"


@pytest.mark.parametrize(("status", "error"), [(500, TransientModelError), (503, TransientModelError),
                                                (429, TransientModelError), (401, PermanentModelError),
                                                (400, PermanentModelError)])  # fmt: skip
def test_provider_errors_are_classified(provider, status, error):
    provider.status = status
    provider.body = {"error": {"message": "nope", "type": "x", "code": status}}
    with pytest.raises(error):
        _call()


def test_an_unreachable_server_is_transient(settings):
    settings.LLM_PROVIDER = "local"
    settings.LLM_API_BASE = "http://127.0.0.1:9/v1"
    with pytest.raises(TransientModelError):
        _call()


def test_json_modes_differ_only_in_the_adapter():
    schema = {"type": "object"}
    assert response_format_for("llama_cpp", schema) == {"type": "json_object", "schema": schema}
    openai_form = response_format_for("openai", schema)
    assert openai_form is not None and openai_form["json_schema"]["schema"] == schema
    assert response_format_for("none", schema) is None
    with pytest.raises(ValueError):
        response_format_for("other", schema)


@pytest.mark.parametrize("kind", sorted(task_kinds()))
def test_the_scripted_model_answers_valid_output_for_every_kind(kind):
    schema = task_kinds()[kind].output_schema
    assert list(Draft202012Validator(schema).iter_errors(schema_example(schema))) == []
