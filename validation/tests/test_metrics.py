"""Validation metrics per task kind, template version, model and day."""

import json

import pytest

from beacon.testing import generation_body
from jobs.models import Job
from jobs.services import pipeline
from llm.scripted import scripted_responses_push
from prompts.task_kinds import task_kinds

pytestmark = pytest.mark.django_db


def _run(api, content, *answers):
    scripted_responses_push(*answers)
    body = generation_body(content=content)  # distinct inputs: no output cache hits between jobs
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    for _ in range(20):
        stage = Job.objects.values_list("stage", flat=True).get(pk=job_id)
        runner = {"prepare": pipeline.prepare_run, "assemble": pipeline.assemble_run,
                  "generate": pipeline.generate_run, "validate": pipeline.validate_run,
                  "decide": pipeline.decide_run, "finalize": pipeline.finalize_run}.get(stage)  # fmt: skip
        if runner is None:
            break
        runner(job_id=job_id)


def test_pass_rates_by_kind_version_model_and_day(api, scripted):
    _run(api, "A blue shirt")  # valid at once
    _run(api, "A red shirt", "not json", "still not json", "[]")  # repair, then fails
    # The model answers in the job's own shape: one value per attribute asked.
    # "Zed" is in no candidate list and not in the input: dropped at once.
    _run(api, "A green shirt", json.dumps({"brand": "Zed", "colour": "green"}))  # partially accepted
    rows = api.get("/api/v1/validation/metrics").json()["data"]
    assert rows == [{"key": "metadata_enrichment", "finished": 3, "completed": 2, "passRate": 0.6667,
                     "firstPassRate": 0.6667, "partialRate": 0.3333, "refused": 0}]  # fmt: skip
    assert api.get("/api/v1/validation/metrics?groupBy=templateVersion").json()["data"][0]["key"] == (
        f"metadata_enrichment@{task_kinds()['metadata_enrichment'].version}"
    )
    assert api.get("/api/v1/validation/metrics?groupBy=model").json()["data"][0]["key"] == "local-large"
    assert len(api.get("/api/v1/validation/metrics?groupBy=day").json()["data"]) == 1
    assert api.get("/api/v1/validation/metrics?groupBy=colour").status_code == 422


def test_prometheus_shows_pass_rates(api, scripted, ops):
    _run(api, "A yellow shirt")
    text = ops.get("/metrics").content.decode()
    assert 'beacon_validation_pass_rate_24h{task_kind="metadata_enrichment"} 1.0' in text
