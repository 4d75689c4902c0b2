"""Model tokens on the event stream: streamed by the gateway from a server
that streams (a loopback OpenAI-style server here; the real local model in
test_real_model.py), provisional, and followed by the validated result."""

import json

import pytest

from beacon.testing import generation_body, job_run_inline, streamed_text
from jobs.models import Job
from jobs.token_feed import tokens_after
from llm.loopback import Behaviour, LoopbackModelServer

pytestmark = pytest.mark.django_db

ANSWER = json.dumps({"brand": "Acme", "colour": "Blue", "material": "cotton", "size": "M"})


def _frames(text: str) -> list[tuple[str, dict]]:
    parsed = []
    for frame in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields:
            parsed.append((fields["event"], json.loads(fields["data"])))
    return parsed


@pytest.fixture
def streaming_model(settings):
    with LoopbackModelServer() as server:
        server.default = Behaviour.ok(ANSWER)
        settings.LLM_PROVIDER = "local"
        settings.LLM_DEPLOYMENTS = [
            {"name": "streamer", "tier": "small", "model": "openai/streamer", "api_base": server.api_base,
             "api_key_env": "LLM_API_KEY", "json_mode": "openai", "input_cost_per_token": 0,
             "output_cost_per_token": 0},
        ]  # fmt: skip
        yield server


def test_the_stream_carries_the_models_tokens_as_provisional_then_the_validated_result(api, streaming_model):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed"
    assert streaming_model.requests[-1]["stream"] is True
    pieces, _ = tokens_after(job_id, "0")
    assert "".join(piece["text"] for piece in pieces) == ANSWER
    assert all(piece["provisional"] and piece["generation"] == 1 for piece in pieces)
    # The answer rebuilt from the chunks is what was validated and billed.
    call = job.model_calls.get()
    assert call.outcome == "ok" and call.completion_tokens > 0 and call.prompt_tokens > 0

    response = api.get(f"/api/v1/generations/{job_id}/stream", HTTP_ACCEPT="text/event-stream")
    frames = _frames(streamed_text(response))
    kinds = [kind for kind, _ in frames]
    assert "token" in kinds and kinds[-1] == "end"
    streamed = "".join(data["text"] for kind, data in frames if kind == "token")
    assert streamed == ANSWER
    # Tokens come before the events that end their generation and deliver the result.
    assert kinds.index("token") < kinds.index("model_called")
    completed = [data for kind, data in frames if kind == "status_changed" and data["toStatus"] == "completed"]
    assert completed, kinds


def test_no_tokens_are_kept_when_streaming_is_off(api, streaming_model, settings):
    settings.BEACON_STREAM_TOKENS = False
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    assert Job.objects.get(pk=job_id).status == "completed"
    assert "stream" not in streaming_model.requests[-1]
    settings.BEACON_STREAM_TOKENS = True
    assert tokens_after(job_id, "0") == ([], "0")
