"""Which version a request gets: labels, pins, sticky A/B arms, and the job's render."""

from collections import Counter
from unittest import mock

import pytest

from beacon.testing import generation_body
from jobs.models import Job
from jobs.services import pipeline
from prompts import rendering
from prompts.models import PromptTemplate
from prompts.resolution import template_resolve
from prompts.services import Arm, label_set, version_create
from prompts.task_kinds import task_kinds
from prompts.tests.factories import version_activate
from safety.encryption import decrypt_json

# The seeded version of the kind these tests split, and the next one they create.
SEEDED = task_kinds()["metadata_enrichment"].version
MAJOR, MINOR, _ = SEEDED.split(".")
NEXT = f"{MAJOR}.{int(MINOR) + 1}.0"

pytestmark = pytest.mark.django_db
SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}VARIANT-B: extract attributes.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'


@pytest.fixture
def enrichment():
    template = PromptTemplate.objects.get(name="metadata_enrichment")
    first = template.versions.get(version=SEEDED)
    second = version_create(template=template, system_prompt=SYSTEM, user_prompt=USER)
    second = version_activate(second)
    return template, first, second


def test_production_is_the_default_and_a_version_or_label_can_be_pinned(enrichment):
    template, first, second = enrichment
    params = {"content": "x", "locale": "en-US"}
    assert (
        template_resolve(
            template_id="metadata_enrichment", selector=None, parameters=params, organization_id=None
        ).version
        == first
    )
    assert (
        template_resolve(template_id=str(template.id), selector=NEXT, parameters=params, organization_id=None).version
        == second
    )
    label_set(template=template, name="staging", arms=[Arm(second)], moved_by="t", reason="qa")
    resolved = template_resolve(
        template_id="metadata_enrichment", selector="staging", parameters=params, organization_id=None
    )
    assert (resolved.version, resolved.label) == (second, "staging")


def test_an_ab_split_is_sticky_per_product_and_follows_the_weights(enrichment):
    template, first, second = enrichment
    label_set(template=template, name="production", arms=[Arm(first, 70), Arm(second, 30)], moved_by="t",
              reason="experiment")  # fmt: skip

    def arm(sku):
        params = {"content": "x", "locale": "en-US", "product": {"sku": sku}}
        return template_resolve(
            template_id="metadata_enrichment", selector=None, parameters=params, organization_id=None
        ).version

    assert len({arm("SKU-1") for _ in range(10)}) == 1  # sticky
    counts = Counter(arm(f"SKU-{i}").version for i in range(1000))
    assert 0.64 < counts[SEEDED] / 1000 < 0.76


def test_the_api_records_the_version_and_label_and_rejects_unknown_ones(api, enrichment):
    body = {**generation_body(), "templateVersion": NEXT}
    job = Job.objects.get(pk=api.post("/api/v1/generations", body, format="json").json()["data"]["id"])
    assert job.prompt_version is not None and job.prompt_version.version == NEXT
    assert (job.template_version, job.prompt_label) == (NEXT, "")
    job = Job.objects.get(pk=api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"])
    assert (job.template_version, job.prompt_label) == (SEEDED, "production")
    response = api.post("/api/v1/generations", {**generation_body(), "templateVersion": "9.9.9"}, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "templateVersion"
    response = api.post("/api/v1/generations", {**generation_body(), "templateVersion": "canary"}, format="json")
    assert response.status_code == 422


def test_the_pipeline_renders_the_jobs_version(api, enrichment, scripted):
    body = {**generation_body(), "templateVersion": NEXT}
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    pipeline.prepare_run(job_id=job_id)
    pipeline.assemble_run(job_id=job_id)
    stored = Job.objects.get(pk=job_id).payload.working
    assert stored is not None
    working = decrypt_json(stored)
    assert "VARIANT-B" in working["messages"][0]["content"]


def test_identical_renders_come_from_the_cache_and_a_new_version_misses_it(enrichment):
    _, first, second = enrichment
    kind = task_kinds()["metadata_enrichment"]
    params = {"content": "cache me", "locale": "en-US"}
    rendering._RENDERED.clear()
    with mock.patch.object(rendering, "render_templates", wraps=rendering.render_templates) as render:
        for _ in range(3):
            rendering.render_version(version=first, kind=kind, parameters=params, fence_token="T")
        assert render.call_count == 1
        rendering.render_version(version=second, kind=kind, parameters=params, fence_token="T")
        assert render.call_count == 2
