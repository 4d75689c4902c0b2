"""A job's working state: typed, versioned, loaded and saved in one place,
and the payloads of jobs accepted before it had a version still read."""

import pytest

from beacon.testing import generation_body, job_run_inline
from jobs.models import Job
from jobs.state import STATE_VERSION, Attempt, JobState, RepairRequest, job_state_load, job_state_save
from safety.encryption import decrypt_json, encrypt_json

# A working state as version 0 stored it: no version key, camelCase names.
VERSION_0 = {
    "input": {"content": "Blue cotton shirt by <PERSON_1>", "locale": "en-US"},
    "fenceToken": "f3nc3",
    "canary": "BCN-1234",
    "pii": {"mapping": {"<PERSON_1>": "Ann"}, "counters": {"PERSON": 1}},
    "reviewReasons": [{"reason": "injection_suspected", "score": 0.6}],
    "taxonomy": ["Apparel > Shirts"],
    "taxonomyRanking": [["Apparel > Shirts", 0.8]],
    "outputSchema": {"type": "object"},
    "modelSchema": {"type": "object", "properties": {"path": {"enum": ["Apparel > Shirts"]}}},
    "messages": [{"role": "user", "content": "hi"}],
    "attempts": [{"text": "{}", "cacheKey": "k1", "repair": False}, {"text": '{"path": 1}', "fallback": True}],
    "repair": {"text": "broken", "error": "not JSON"},
    "feedback": ["path: not one of the choices"],
}


def test_a_version_0_state_loads_with_every_part_typed():
    state = JobState.from_dict(VERSION_0)
    assert state.version == 0
    assert state.input["content"].endswith("<PERSON_1>") and state.fence_token == "f3nc3" and state.canary == "BCN-1234"
    assert state.taxonomy_ranking == [("Apparel > Shirts", 0.8)]
    assert state.attempts == [Attempt(text="{}", cache_key="k1"), Attempt(text='{"path": 1}', fallback=True)]
    assert state.last_attempt.fallback and state.planned
    assert state.repair == RepairRequest(text="broken", error="not JSON")
    assert state.extraction is None and state.policy_precheck is None and not state.moderation


def test_saving_writes_the_current_version_and_reads_back_the_same():
    state = JobState.from_dict(VERSION_0)
    stored = state.as_dict()
    assert stored["version"] == STATE_VERSION
    # The stored names stay the ones version 0 used, so older readers still read it.
    assert {key for key in stored if key != "version"} == set(VERSION_0)
    again = JobState.from_dict(stored)
    assert again.version == STATE_VERSION
    assert again.as_dict() == stored


def test_an_empty_state_before_prepare_and_after_purge():
    assert JobState.from_dict({}).last_attempt == Attempt(text="")
    assert not JobState().planned


@pytest.mark.django_db
def test_a_job_accepted_with_a_version_0_state_finishes(api, scripted):
    """A job mid-pipeline when the state got its version: its stored
    version-0 state is read by the stages that come after."""
    body = generation_body("product_description", content="Blue cotton shirt by Acme, size M.")
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    from jobs.services import pipeline

    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    job = Job.objects.select_related("payload").get(pk=job_id)
    assert job.payload.working is not None
    stored = decrypt_json(job.payload.working)
    legacy = {key: value for key, value in stored.items() if key != "version"}
    job.payload.working = encrypt_json(legacy)
    job.payload.save(update_fields=["working"])
    assert job_state_load(Job.objects.get(pk=job_id)).version == 0
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status in ("completed", "reviewing")
    assert job_state_load(job).version == STATE_VERSION  # saved again by generate, in the current shape


@pytest.mark.django_db
def test_state_round_trips_through_the_payload(api, scripted):
    body = generation_body("metadata_enrichment", content="Blue cotton shirt by Acme, size M.")
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    job = Job.objects.select_related("payload").get(pk=job_id)
    state = JobState(input={"content": "x"}, attempts=[Attempt(text="{}", cache_key="c")])
    job_state_save(job, state)
    loaded = job_state_load(Job.objects.get(pk=job_id))
    assert loaded.input == {"content": "x"} and loaded.attempts == [Attempt(text="{}", cache_key="c")]
