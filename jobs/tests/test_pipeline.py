"""The pipeline's services, run in-process stage by stage with a scripted model.

The same stages run under a real worker in test_worker.py; here each stage is
called directly so every branch can be driven and inspected.
"""

import json
from unittest import mock

import pytest
from django.db import connection, transaction
from django_fsm import TransitionNotAllowed

from beacon.testing import generation_body, job_run_inline
from jobs.models import DeadLetter, Job, JobEvent
from jobs.services import pipeline, slow_io
from jobs.services.lifecycle import job_cancel
from jobs.state import job_state_load
from llm.errors import TransientModelError
from llm.scripted import scripted_responses_push
from prompts.task_kinds import task_kinds
from prompts.taxonomy import calibrated
from safety.encryption import decrypt_json

pytestmark = pytest.mark.django_db

STAGES = [
    pipeline.prepare_run,
    pipeline.assemble_run,
    pipeline.generate_run,
    pipeline.validate_run,
    pipeline.decide_run,
    pipeline.finalize_run,
]


def _submit(api, **options) -> str:
    body = generation_body()
    if options:
        body["options"] = options
    return api.post("/api/v1/generations", body, format="json").json()["data"]["id"]


def test_a_job_runs_every_stage_to_completed(api, scripted):
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("completed", "done")
    assert set(job.stage_latency_ms) == {"prepare", "assemble", "generate", "validate", "decide", "finalize"}
    # The scripted model picks each attribute's first candidate; every value
    # carries the span Beacon found it at.
    content = generation_body()["parameters"]["content"]
    attributes = (job.result.output or {})["attributes"]
    assert {name: field["value"] for name, field in attributes.items()} == {
        "brand": "Acme", "colour": "Blue", "material": "cotton", "size": "M"}  # fmt: skip
    for field in attributes.values():
        assert (
            field["confirmed"] is True and field["evidence"] == content[field["span"]["start"] : field["span"]["end"]]
        )
    transitions = list(job.events.filter(type="status_changed").values_list("to_status", flat=True))
    assert transitions == ["preparing", "assembling", "generating", "validating", "completed"]
    detail = api.get(f"/api/v1/generations/{job_id}").json()["data"]
    assert detail["result"] == job.result.output and detail["validation"]["valid"] is True


def test_a_duplicate_stage_delivery_does_nothing(api, scripted):
    job_id = _submit(api)
    assert pipeline.prepare_run(job_id=job_id) is True
    events_before = JobEvent.objects.filter(job_id=job_id).count()
    assert pipeline.prepare_run(job_id=job_id) is False  # redelivered message
    assert pipeline.finalize_run(job_id=job_id) is False  # a stage that is not due yet
    assert JobEvent.objects.filter(job_id=job_id).count() == events_before
    assert Job.objects.get(pk=job_id).stage == "assemble"


def test_illegal_transitions_are_refused():
    job = Job(status="queued")
    with pytest.raises(TransitionNotAllowed):
        job.complete()
    job = Job(status="completed")
    with pytest.raises(TransitionNotAllowed):
        job.cancel()


def test_status_cannot_be_set_directly():
    job = Job()
    with pytest.raises(AttributeError):
        job.status = "completed"


def test_the_event_log_is_append_only(api):
    job_id = _submit(api)
    event = JobEvent.objects.get(job_id=job_id)
    event.type = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE jobs_jobevent SET type = 'tampered' WHERE id = %s", [event.id])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM jobs_jobevent WHERE id = %s", [event.id])


def test_invalid_output_is_regenerated_with_feedback_then_escalated_to_large(api, scripted):
    scripted_responses_push("Sure! Here it is: {not json", json.dumps({"attributes": {}}), "[]")
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed"
    assert job.generation_count == 3
    assert job.events.filter(type="remediation").count() == 2
    tiers = [e.data["tier"] for e in job.events.filter(type="model_called").order_by("id")]
    assert tiers == ["small", "small", "large"]
    assert job.routing is not None and "remediation escalated small to large" in job.routing["reasons"]
    dead = DeadLetter.objects.get(job_id=job_id)
    assert (dead.stage, dead.error_code, dead.permanent) == ("validate", "output_invalid", True)
    assert "Blue cotton" not in dead.message  # no input in a dead letter
    assert job.error is not None and job.error["code"] == "output_invalid"
    assert "is not of type 'object'" in json.dumps(job.result.validation)


def test_remediation_that_succeeds_completes_the_job(api, scripted):
    scripted_responses_push('```json\n{"attributes": 1}\n```')  # wrong type, then the schema example
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed" and job.generation_count == 2
    assert job.result.validation["parsePass"] == "direct"


def test_output_in_prose_is_extracted(api, scripted):
    answer = {"brand": "Acme", "colour": "Blue", "material": "cotton", "size": "M"}
    scripted_responses_push("Here you go:\n" + json.dumps(answer) + "\nHope it helps")
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed" and job.result.validation["parsePass"] == "extracted"


def test_cancel_stops_the_job_at_the_next_stage_boundary(api, scripted):
    job_id = _submit(api)
    pipeline.prepare_run(job_id=job_id)
    job_cancel(job_id=job_id)
    assert pipeline.assemble_run(job_id=job_id) is False
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.stage) == ("cancelled", "done")


def test_a_model_result_arriving_after_cancel_is_discarded(api, scripted):
    job_id = _submit(api)
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    real_complete = pipeline.complete

    def cancel_during_call(*args, **kwargs):
        job_cancel(job_id=job_id)
        return real_complete(*args, **kwargs)

    with (
        mock.patch.object(pipeline, "complete", side_effect=cancel_during_call),
        # The model call runs in its own thread in production; inline here so
        # the cancel shares the test's transaction.
        mock.patch.object(pipeline, "without_db_connection_if_slow", lambda call: call()),
    ):
        pipeline.generate_run(job_id=job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "cancelled" and job.completion_tokens == 0


@pytest.mark.django_db(transaction=True)
def test_a_slow_call_gives_the_database_connection_back_and_a_fast_one_keeps_it(settings):
    import time as clock

    settings.BEACON_DB_RELEASE_AFTER_MS = 50
    Job.objects.exists()  # open a connection
    assert slow_io.without_db_connection_if_slow(lambda: "fast") == "fast"
    assert connection.connection is not None

    def slow() -> str:
        clock.sleep(0.3)
        return "slow"

    assert slow_io.without_db_connection_if_slow(slow) == "slow"
    assert connection.connection is None


def test_a_refusal_is_an_outcome_not_a_parse_error_and_is_not_retried(api, scripted):
    scripted_responses_push('{"refusal": "this is not a product"}')
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed" and job.error is not None and job.error["code"] == "refused"
    assert job.generation_count == 1  # no remediation round
    assert job.events.get(type="refusal").data["reason"] == "this is not a product"
    # The error and the dead letter hold the code, not the model's words.
    assert "not a product" not in job.error["message"] and "not a product" not in job.dead_letters.get().message
    assert job.result.validation["refusal"] == "this is not a product"
    # Only valid outputs stay cached: the same request asks the model again.
    again = _submit(api)
    job_run_inline(again)
    assert Job.objects.get(pk=again).status == "completed"


# A producer's own schema for extraction (the generic request): the model
# answers in it freely, and grounding still locates every value itself.
PRODUCER_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["attributes"],
    "properties": {"attributes": {"type": "object", "required": ["brand"], "properties": {"brand": {
        "type": "object", "required": ["value", "evidence"],
        "properties": {"value": {"type": ["string", "null"]}, "evidence": {"type": ["string", "null"]}}}}}},
}  # fmt: skip


def _enrichment(brand, evidence):
    return json.dumps({"attributes": {"brand": {"value": brand, "evidence": evidence}}})


def _submit_with_producer_schema(api):
    body = {**generation_body(), "outputSchema": PRODUCER_SCHEMA}
    return api.post("/api/v1/generations", body, format="json").json()["data"]["id"]


def test_an_ungrounded_field_is_repaired_with_feedback(api, scripted):
    # The model's quote is not what counts: "Acme" is in the input, "Zenith" is not.
    scripted_responses_push(_enrichment("Zenith", "Blue cotton shirt by Zenith"), _enrichment("Acme", "made up"))
    job_id = _submit_with_producer_schema(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed" and job.generation_count == 2
    output = job.result.output
    assert output is not None and output["attributes"]["brand"]["value"] == "Acme"
    remediation = job.events.get(type="remediation")
    assert remediation.data["ungrounded"] == 1


def test_fields_still_ungrounded_after_the_last_generation_are_dropped_and_listed(api, scripted):
    scripted_responses_push(*[_enrichment("Zenith", "Zenith brand shirt")] * 3)
    job_id = _submit_with_producer_schema(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.generation_count == 3
    output = job.result.output
    assert output is not None and output["attributes"]["brand"] == {"value": None, "evidence": None}
    assert job.result.validation["partial"] is True
    assert job.result.validation["dropped"] == ["attributes.brand"]
    assert api.get(f"/api/v1/generations/{job_id}").json()["data"]["partial"] is True
    assert job.events.filter(type="partially_accepted").exists()
    # Nothing is left to deliver: a person looks instead of a silent empty result.
    assert job.status == "reviewing" and job.review_task.reason_codes == ["dropped_fields", "nothing_delivered"]


def test_an_answer_outside_the_candidates_is_sent_back_with_feedback(api, scripted):
    outside = json.dumps({"brand": "Zenith", "colour": "Blue", "material": "cotton", "size": "M"})
    scripted_responses_push(outside)  # then the scripted model picks the candidates
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed" and job.generation_count == 2
    assert job.events.get(type="remediation").data["errors"] >= 1
    assert (job.result.output or {})["attributes"]["brand"]["value"] == "Acme"


def test_a_free_value_the_input_does_not_state_is_dropped_at_once(api, scripted):
    body = generation_body(content="Sturdy kettle, 1.7 l, boils fast")
    scripted_responses_push(json.dumps({"brand": "Zenith", "size": "1.7 l"}))
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed" and job.generation_count == 1  # no remediation round
    attributes = (job.result.output or {})["attributes"]
    assert attributes["brand"]["value"] is None and attributes["size"]["value"] == "1.7 l"
    assert job.result.validation["dropped"] == ["attributes.brand"]


def test_an_extraction_that_delivers_nothing_goes_to_review(api, scripted):
    body = generation_body(content="Sturdy kettle that boils fast")
    scripted_responses_push(json.dumps({"brand": None}))
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "reviewing" and job.review_task.reason_codes == ["nothing_delivered"]


def test_a_failed_rule_is_fed_back_with_its_fix_and_the_trace_is_kept(api, scripted):
    blocked = json.dumps({"verdict": "block", "categories": ["none"], "summary": "A rude review."})
    fixed = json.dumps({"verdict": "block", "categories": ["harassment"], "summary": "A rude review."})
    scripted_responses_push(blocked, fixed)
    # The producer's own schema: the model gives the verdict and categories (with
    # the kind's own schema they come from the content policy, and cannot disagree).
    body = {**generation_body("moderation_summary"), "outputSchema": task_kinds()["moderation_summary"].output_schema}
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    # A block verdict on harassment is a sensitive category: a person confirms it.
    assert job.status == "reviewing" and job.generation_count == 2
    assert job.review_task.reason_codes == ["sensitive_category"]
    trace = {entry["rule"]: entry for entry in job.result.validation["trace"]}
    assert trace["block-names-a-category"]["passed"] is True
    assert job.payload.working is not None
    first_feedback = decrypt_json(job.payload.working)["feedback"]
    assert any("must name the policy categories" in line and "fix:" in line for line in first_feedback)


def test_unparseable_output_gets_one_repair_call_before_regeneration(api, scripted):
    scripted_responses_push("The brand is Acme but I will not write JSON today.")  # then the schema example
    job_id = _submit(api)
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "completed" and job.generation_count == 2
    assert job.result.validation["parsePass"] == "repaired"
    assert "a repair call to the small tier" in job.result.validation["parseChanges"][-1]
    assert job.events.filter(type="repair_requested").count() == 1
    assert not job.events.filter(type="remediation").exists()


def test_admin_shows_the_result_and_its_trace(api, scripted, admin_client):
    job_id = _submit(api)
    job_run_inline(job_id)
    page = admin_client.get(f"/admin/jobs/job/{job_id}/change/")
    assert page.status_code == 200 and b"failed checks: none" in page.content


PII_CONTENT = "Review by Mr. John Baker (john.baker@example.com): the kettle is great, call +1 415 555 0100."


def test_pii_is_redacted_before_anything_is_rendered_or_stored(api, scripted):
    job_id = api.post("/api/v1/generations", generation_body("moderation_summary", content=PII_CONTENT),
                      format="json").json()["data"]["id"]  # fmt: skip
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.payload.working is not None
    working = decrypt_json(job.payload.working)
    assert "john.baker@example.com" not in json.dumps(working["input"]) and "<EMAIL_1>" in working["input"]["content"]
    prompt = json.dumps(working["messages"])
    assert "john.baker@example.com" not in prompt and "John Baker" not in prompt and "555 0100" not in prompt
    events = json.dumps(list(job.events.values_list("data", flat=True)))
    assert "john.baker" not in events
    assert job.events.get(type="pii_redacted").data["entities"] == {"PERSON": 1, "EMAIL": 1, "PHONE": 1}


def test_a_bare_customer_name_is_redacted_and_the_declared_brand_is_not(api, scripted):
    content = "Alisha cycling shorts. Bought them for my friend Maria Garcia, who runs daily."
    body = generation_body("metadata_enrichment", content=content, product={"brand": "Alisha"})
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    job_run_inline(job_id)
    payload = Job.objects.get(pk=job_id).payload
    assert payload.working is not None
    prompt = json.dumps(decrypt_json(payload.working)["messages"])
    assert "Maria" not in prompt and "Garcia" not in prompt and "<PERSON_1>" in prompt
    assert "Alisha cycling shorts" in prompt


def test_placeholders_go_back_into_the_output_only_where_the_kind_allows(api, scripted):
    import dataclasses
    from unittest import mock

    from prompts.task_kinds import task_kinds

    job_id = api.post("/api/v1/generations", generation_body("moderation_summary", content=PII_CONTENT),
                      format="json").json()["data"]["id"]  # fmt: skip
    # The policy finds published personal data (the e-mail): the model agrees.
    scripted_responses_push(json.dumps({"verdict": "review", "summary": "A happy review; contact <EMAIL_1>."}))
    restoring = dataclasses.replace(task_kinds()["moderation_summary"], restore_pii=True)
    with mock.patch.object(pipeline, "task_kind_of", return_value=restoring):
        job_run_inline(job_id)
    output = Job.objects.get(pk=job_id).result.output
    assert output is not None and output["summary"] == "A happy review; contact john.baker@example.com."


def test_when_no_model_answers_tagging_falls_back_to_retrieval_and_says_so(api, scripted):
    body = generation_body("taxonomy_tagging", content="Oak dining table for six")
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    no_model = TransientModelError("every circuit is open", code="no_deployment_available")
    with mock.patch.object(pipeline, "complete", side_effect=no_model):
        job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    category = (job.result.output or {})["categories"][0]
    assert category["path"] == "Furniture > Tables"
    assert job.result.validation["fallback"] is True
    assert job.events.get(type="model_fallback").data["code"] == "no_deployment_available"
    # Retrieval's share of the shortlist alone (no model agreed), through the
    # calibration table; review follows the kind's low-confidence threshold.
    ranking = dict(job_state_load(job).taxonomy_ranking or [])
    share = ranking[category["path"]] / sum(ranking.values())
    assert category["confidence"] == calibrated(0.5 * share)
    assert job.status == ("reviewing" if category["confidence"] < 0.6 else "completed")


def test_when_no_model_answers_extraction_keeps_its_strong_cues_unconfirmed(api, scripted):
    job_id = _submit(api)
    with mock.patch.object(pipeline, "complete", side_effect=TransientModelError("open", code="breaker_open")):
        job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    attributes = (job.result.output or {})["attributes"]
    delivered = {name: (field["value"], field["confirmed"]) for name, field in attributes.items() if field["value"]}
    # "by Acme" and "size M" are strong cues; "Blue" and "cotton" are head-of-listing lexicon matches.
    assert delivered == {"brand": ("Acme", False), "size": ("M", False), "colour": ("Blue", False),
                         "material": ("cotton", False)}  # fmt: skip
    assert job.status == "completed"
