"""Few-shot examples: chosen by similarity, scoped to the organization,
never the job's own text, and shown after the shared system prompt."""

import pytest

from beacon.testing import generation_body
from jobs.models import Job
from jobs.services import pipeline
from jobs.state import job_state_load
from prompts.fewshot import examples_clear, examples_similar
from prompts.models import FewShotExample

pytestmark = pytest.mark.django_db

KIND = "metadata_enrichment"


@pytest.fixture(autouse=True)
def _fresh_cache():
    examples_clear()
    yield
    examples_clear()


def _example(key: str, text: str, organization=None, **answer) -> FewShotExample:
    return FewShotExample.objects.create(organization=organization, task_kind=KIND, key=key, text=text,
                                         answer=answer or {"brand": "Acme"})  # fmt: skip


def test_the_most_similar_examples_come_first_and_the_jobs_own_text_never():
    _example("shirt", "Slim fit cotton shirt with button collar, navy", brand="Zara")
    _example("kettle", "Electric kettle 1.7 l, stainless steel", brand="Philips")
    _example("tee", "Cotton crew neck tee shirt, white", brand="Puma")
    _example("self", "Blue cotton shirt by Acme, size M")
    chosen = examples_similar(organization_id=None, task_kind=KIND, k=3,
                              parameters={"content": "Blue cotton shirt by Acme, size M"})  # fmt: skip
    # The short tee shares as much as the long shirt: more similar. The kettle
    # shares no word; the job's own text is the answer itself.
    assert [e.key for e in chosen] == ["tee", "shirt"]
    assert examples_similar(organization_id=None, task_kind=KIND, k=0, parameters={"content": "shirt"}) == []


def test_an_organizations_examples_are_its_own(org_factory):
    acme, _ = org_factory("acme")
    globex, _ = org_factory("globex")
    _example("acme-shirt", "Linen shirt, relaxed fit", organization=acme)
    _example("platform-shirt", "Oxford shirt, regular fit")
    seen = {org.slug: {e.key for e in examples_similar(organization_id=org.id, task_kind=KIND, k=5,
                                                          parameters={"content": "A shirt"})}
            for org in (acme, globex)}  # fmt: skip
    assert seen == {"acme": {"acme-shirt", "platform-shirt"}, "globex": {"platform-shirt"}}


@pytest.mark.parametrize("count", [0, 2])
def test_the_examples_go_before_the_jobs_input_after_the_system_prompt(api, scripted, settings, count):
    settings.BEACON_FEW_SHOT_EXAMPLES = count
    _example("shirt", "Slim fit cotton shirt with button collar, navy", brand="Zara")
    body = generation_body(KIND, content="Blue cotton shirt by Acme, size M")
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    system, user = job_state_load(Job.objects.get(pk=job_id)).messages
    assert "Zara" not in system["content"]
    assert ('Answer: {"brand": "Zara"}' in user["content"]) is (count > 0)
    assert user["content"].index("Blue cotton shirt") > (user["content"].find("Zara") if count else -1)
