"""The client through the whole real path: the local model (llama.cpp serving
SmolLM2 on CPU) in place of the scripted one."""

import pytest
from beacon_client import Beacon

from llm.cache import cache_clear

pytestmark = [pytest.mark.slow]


def test_a_job_submitted_by_the_client_completes_through_the_local_model(live, make_key, model_server):
    cache_clear()  # an output cached from the scripted model would skip the real one
    content = "Blue cotton shirt by Acme, size M"
    with live.worker_with(LLM_PROVIDER="local", LLM_API_BASE=model_server), Beacon(make_key(), base_url=live.url) as b:
        job = b.generations.create("metadata_enrichment", {"content": content, "locale": "en-US"})
        done = b.generations.wait(job.id, timeout=240, poll=False, return_on_review=True)
    assert done.status == "completed", (done.error, done.validation)
    assert done.cost.completion_tokens > 0 and done.latency_ms["generate"] > 0
    attributes = (done.result or {})["attributes"]
    assert {name: field["value"] for name, field in attributes.items()} == {
        "brand": "Acme",
        "colour": "Blue",
        "material": "cotton",
        "size": "M",
    }
    for field in attributes.values():
        span = field["span"]
        assert field["evidence"] == content[span["start"] : span["end"]]
