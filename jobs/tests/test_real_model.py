"""Every task kind through the real path: API, real worker, LiteLLM, llama.cpp
serving SmolLM2-135M-Instruct on CPU, validation against the kind's schema."""

from typing import Any

import pytest

from beacon.testing import TERMINAL, generation_body, job_status, wait_for
from jobs.models import Job
from jobs.state import job_state_load
from prompts.task_kinds import task_kinds

pytestmark = [pytest.mark.slow]

CONTENT = {
    "product_description": "Acme Trailblazer hiking boot. Waterproof leather upper, rubber sole, sizes 38-46.",
    "metadata_enrichment": "Acme cotton T-shirt in navy blue, size L. 100% cotton, machine washable.",
    "moderation_summary": "Great kettle, boils fast. The lid feels a bit flimsy but works fine.",
    "taxonomy_tagging": "Stainless steel frying pan, 28 cm, suitable for induction hobs.",
}


def test_each_task_kind_completes_through_the_local_model(api, start_worker, model_server):
    start_worker(LLM_PROVIDER="local", LLM_API_BASE=model_server)
    # Greedy decoding: the same prompt gives the same answer, so the test
    # proves the path, not the luck of one sample of a 135M-parameter model.
    bodies = {kind: {**generation_body(kind, content=CONTENT[kind], product={"title": CONTENT[kind][:40]}),
                     "options": {"temperature": 0}} for kind in CONTENT}  # fmt: skip
    ids = {
        kind: api.post("/api/v1/generations", body, format="json").json()["data"]["id"] for kind, body in bodies.items()
    }
    for kind, job_id in ids.items():
        # A job held for review has ended its automatic run too: say why.
        def ended(job_id: str = job_id) -> str | None:
            status = job_status(job_id)
            return status if status in {*TERMINAL, "reviewing"} else None

        status = wait_for(ended, 240)
        job = Job.objects.get(pk=job_id)
        reasons = [e.data for e in job.events.filter(type__in=["output_scan", "injection_scan", "content_policy"])]
        if kind == "taxonomy_tagging":
            # A category of the job's shortlist; when the small model and
            # retrieval disagree the confidence is low and a person confirms it.
            assert status in ("completed", "reviewing"), job.error
            shortlist = [path for path, _ in job_state_load(job).taxonomy_ranking or []]
            assert (job.result.output or {})["categories"][0]["path"] in shortlist
            continue
        assert status == "completed", (
            kind,
            job.error,
            reasons,
            job.result.validation if hasattr(job, "result") else None,
        )
        assert job.completion_tokens > 0 and job.prompt_tokens > 0
        errors = list(task_kinds()[kind].output_validator.iter_errors(job.result.output))
        assert errors == []


def test_the_readme_example_delivers_every_attribute_with_evidence_in_one_model_call(api, start_worker, model_server):
    start_worker(LLM_PROVIDER="local", LLM_API_BASE=model_server)
    body = {"templateId": "metadata_enrichment",
            "parameters": {"content": "Blue cotton shirt by Acme, size M", "locale": "en-US"}}  # fmt: skip
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    status = wait_for(lambda: s if (s := job_status(job_id)) in {*TERMINAL, "reviewing"} else None, 240)
    job = Job.objects.get(pk=job_id)
    assert status == "completed", (job.error, job.result.validation if hasattr(job, "result") else None)
    output: dict[str, Any] = job.result.output or {}
    attributes = output["attributes"]
    content = "Blue cotton shirt by Acme, size M"
    delivered = {name: field["value"] for name, field in attributes.items()}
    assert delivered == {"brand": "Acme", "colour": "Blue", "material": "cotton", "size": "M"}
    for field in attributes.values():
        span = field["span"]
        assert field["evidence"] == content[span["start"] : span["end"]] == field["value"]
    assert job.events.filter(type="model_called").count() == 1
    assert job.generation_count == 1


def test_the_local_model_streams_its_tokens_and_reports_the_prompt_prefix_it_reused(api, start_worker, model_server):
    """Two enrichment jobs share the kind's system prompt: the second call
    resumes from the prefix the server still holds, and the ledger says so."""
    from jobs.token_feed import tokens_after
    from llm.models import ModelCall

    start_worker(LLM_PROVIDER="local", LLM_API_BASE=model_server)
    contents = ["Acme cotton T-shirt in navy blue, size L.", "Zed wool scarf in red, one size."]
    ids = []
    for content in contents:  # one after the other: the second finds the first's prefix
        body = {**generation_body(content=content), "options": {"temperature": 0, "cache": "bypass"}}
        job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
        wait_for(lambda: job_status(job_id) in {*TERMINAL, "reviewing"}, 240)  # noqa: B023 - called at once
        ids.append(job_id)
    for job_id in ids:
        job = Job.objects.get(pk=job_id)
        pieces, _ = tokens_after(job_id, "0")
        first_generation = "".join(piece["text"] for piece in pieces if piece["generation"] == 1)
        assert first_generation and first_generation == job_state_load(job).attempts[0].text
    first, second = (ModelCall.objects.filter(job_id=job_id, outcome="ok").order_by("created_at")[0] for job_id in ids)
    assert first.prompt_tokens > 0 and first.completion_tokens > 0  # streamed answers carry exact usage
    assert 0 < second.cached_tokens < second.prompt_tokens
