"""Deployments on the `gpu` queue: the generate stage runs where vLLM is, and
vLLM's OpenAI-style protocol is spoken (checked against a loopback server)."""

import json
from pathlib import Path

import pytest
import yaml

from beacon.testing import client_for, generation_body, wait_terminal
from jobs.models import Job
from jobs.services.publishing import stage_queue
from llm.loopback import Behaviour, LoopbackModelServer

ROOT = Path(__file__).resolve().parents[2]


def test_generate_is_published_to_the_queue_of_the_first_deployment(settings):
    settings.LLM_DEPLOYMENTS = [
        {"name": "vllm", "tier": "large", "model": "hosted_vllm/q", "queue": "gpu"},
        {"name": "cpu", "tier": "small", "model": "openai/m"},
    ]
    assert stage_queue("generate", {"candidates": ["vllm", "cpu"]}) == "gpu"
    assert stage_queue("generate", {"candidates": ["cpu"]}) == "llm"
    assert stage_queue("generate", None) == "llm"
    assert stage_queue("validate", {"candidates": ["vllm"]}) == "default"


def test_the_compose_file_runs_vllm_and_a_gpu_only_worker_behind_the_gpu_profile():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    assert services["vllm"]["profiles"] == ["gpu"] and services["worker-gpu"]["profiles"] == ["gpu"]
    assert services["worker-gpu"]["command"][services["worker-gpu"]["command"].index("-Q") + 1] == "gpu"
    assert "requirements/gpu.txt" in services["vllm"]["command"]
    assert "vllm==" in (ROOT / "requirements" / "gpu.txt").read_text()


@pytest.mark.slow
def test_a_job_routed_to_a_gpu_deployment_completes_on_a_gpu_queue_worker(start_worker, org_factory, tmp_path):
    with LoopbackModelServer() as server:
        # The enrichment's answer: a candidate per attribute of generation_body()'s content.
        server.default = Behaviour.ok(
            json.dumps({"brand": "Acme", "colour": "Blue", "material": "cotton", "size": "M"})
        )
        registry_file = tmp_path / "deployments.yaml"
        registry_file.write_text(yaml.safe_dump({"deployments": [
            {"name": "vllm-test", "tier": "small", "model": "hosted_vllm/test-model", "api_base": server.api_base,
             "json_mode": "openai", "queue": "gpu", "gpu_hour_usd": 3.6, "gpu_concurrency": 1},
        ]}))  # fmt: skip
        env = {"LLM_PROVIDER": "local", "LLM_DEPLOYMENTS_FILE": str(registry_file)}
        # One worker without the llm queue: if generate went to `llm`, the job would never finish.
        start_worker(queues=("default", "gpu", "webhooks"), **env)
        _, key = org_factory()
        response = client_for(key).post("/api/v1/generations", generation_body(), format="json")
        job_id = response.json()["data"]["id"]
        assert wait_terminal(job_id, timeout=60) == "completed"
        sent = server.requests[-1]
        assert sent["model"] == "test-model"
        assert sent["response_format"]["type"] == "json_schema"
        stored = Job.objects.get(pk=job_id)
        assert stored.routing is not None and stored.routing["candidates"] == ["vllm-test"]
        call = stored.model_calls.get()
        assert call.deployment == "vllm-test" and call.cost_usd > 0  # priced by GPU time
