"""A/B reports: per-arm outcomes and the significance test that gates a winner."""

import math

import pytest

from beacon.testing import generation_body
from jobs.models import Job
from prompts.experiments import two_proportion_z
from prompts.models import PromptTemplate
from prompts.services import Arm, label_set, version_create
from prompts.task_kinds import task_kinds
from prompts.tests.factories import version_activate

# The seeded version of the kind these tests split, and the next one they create.
SEEDED = task_kinds()["metadata_enrichment"].version
MAJOR, MINOR, _ = SEEDED.split(".")
NEXT = f"{MAJOR}.{int(MINOR) + 1}.0"

SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}Extract attributes, tersely.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'


def test_two_proportion_z_matches_the_textbook():
    z, p = two_proportion_z(60, 100, 40, 100)
    assert math.isclose(z, 2.8284, abs_tol=1e-3) and math.isclose(p, 0.00468, abs_tol=1e-4)
    assert two_proportion_z(0, 0, 5, 10) == (0.0, 1.0)
    assert two_proportion_z(10, 10, 10, 10) == (0.0, 1.0)


@pytest.mark.django_db
def test_the_report_counts_arms_and_declares_a_winner_only_when_significant(api):
    template = PromptTemplate.objects.get(name="metadata_enrichment")
    first = template.versions.get(version=SEEDED)
    second = version_create(template=template, system_prompt=SYSTEM, user_prompt=USER)
    second = version_activate(second)
    label_set(template=template, name="production", arms=[Arm(first, 50), Arm(second, 50)], moved_by="t",
              reason="ab")  # fmt: skip

    def submit(n, *, sku_prefix):
        ids = []
        for i in range(n):
            body = generation_body(product={"sku": f"{sku_prefix}-{i}"})
            ids.append(api.post("/api/v1/generations", body, format="json").json()["data"]["id"])
        return Job.objects.filter(id__in=ids)

    jobs = submit(160, sku_prefix="A")
    by_version = {v: list(jobs.filter(prompt_version__version=v).values_list("id", flat=True)) for v in (SEEDED, NEXT)}
    assert all(len(ids) > 50 for ids in by_version.values())  # both arms served
    # The next version passes every job, the seeded one half of them.
    Job.objects.filter(id__in=by_version[NEXT]).update(status="completed")
    half = by_version[SEEDED][: len(by_version[SEEDED]) // 2]
    Job.objects.filter(id__in=half).update(status="completed")
    Job.objects.filter(id__in=by_version[SEEDED][len(half) :]).update(status="failed")
    report = api.get(f"/api/v1/templates/{template.id}/experiments?label=production").json()["data"][0]
    arms = {arm["version"]: arm for arm in report["arms"]}
    assert arms[NEXT]["passRate"] == 1.0 and 0.45 < arms[SEEDED]["passRate"] < 0.55
    assert report["comparison"]["significant"] is True and report["comparison"]["winner"] == NEXT

    # Too few finished jobs: no winner, however large the difference.
    Job.objects.filter(id__in=by_version[SEEDED][5:] + by_version[NEXT][5:]).update(status="generating")
    report = api.get(f"/api/v1/templates/{template.id}/experiments?label=production").json()["data"][0]
    assert report["comparison"]["winner"] is None


@pytest.mark.django_db
def test_an_arms_review_rate_counts_the_jobs_that_went_to_review(api, scripted):
    from beacon.testing import job_run_inline
    from llm.scripted import scripted_responses_push

    template = PromptTemplate.objects.get(name="metadata_enrichment")
    first = template.versions.get(version=SEEDED)
    second = version_activate(version_create(template=template, system_prompt=SYSTEM, user_prompt=USER))
    label_set(template=template, name="production", arms=[Arm(first, 50), Arm(second, 50)], moved_by="t",
              reason="ab")  # fmt: skip
    ids = []
    for i in range(12):
        # Nothing the model may choose is in this input: every job delivers
        # nothing and goes to review (nothing_delivered), through the pipeline.
        body = generation_body(content=f"Item {i}, see the pictures.")
        ids.append(api.post("/api/v1/generations", body, format="json").json()["data"]["id"])
        scripted_responses_push("{}")
        job_run_inline(ids[-1])
    jobs = Job.objects.filter(id__in=ids)
    assert set(jobs.values_list("status", flat=True)) == {"reviewing"}
    jobs.update(status="completed")  # decided by a reviewer: still counts as reviewed
    report = api.get(f"/api/v1/templates/{template.id}/experiments?label=production").json()["data"][0]
    arms = {arm["version"]: arm for arm in report["arms"] if arm["finished"]}
    assert arms and all(arm["reviewRate"] == 1.0 for arm in arms.values())


@pytest.mark.django_db
def test_an_arms_mean_latency_comes_from_the_database_in_one_query(api):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from jobs.experiments import experiment_report

    template = PromptTemplate.objects.get(name="metadata_enrichment")
    ids = [api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"] for _ in range(4)]
    now = timezone.now()
    for i, job_id in enumerate(ids[:2]):
        Job.objects.filter(id=job_id).update(
            status="completed", started_at=now - timedelta(seconds=1 + i), finished_at=now
        )  # 1 s and 2 s; the other two have not finished
    org_id = Job.objects.get(id=ids[0]).organization_id
    with CaptureQueriesContext(connection) as queries:
        report = experiment_report(template=template, label="production", organization_id=org_id)
    [arm] = report["arms"]
    assert arm["jobs"] == 4 and arm["meanLatencyMs"] == 1500.0
    assert len(queries.captured_queries) == 1  # however many jobs the label served
