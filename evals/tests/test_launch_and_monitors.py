"""The launch gate on production moves, online monitors with rollback, the
judge, reports and comparisons."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from beacon.testing import generation_body, job_run_inline
from evals.compare import runs_compare
from evals.datasets import dataset_import
from evals.judge import judge_sample
from evals.models import EvalResult, EvalRun, JudgeScore, MonitorAlert, RunStatus
from evals.monitors import monitors_run
from evals.report import run_report
from evals.run_metrics import run_metrics
from jobs.models import Job
from llm.scripted import scripted_responses_push
from prompts.models import PromptTemplate
from prompts.services import Arm, TemplateError, label_set, template_fork, version_create
from prompts.task_kinds import task_kinds
from prompts.tests.factories import version_activate
from tenants.models import Organization

pytestmark = pytest.mark.django_db
KIND = "metadata_enrichment"


def live_version(template: PromptTemplate):
    base = template.versions.get(version=task_kinds()[KIND].version)
    version = version_create(template=template, system_prompt=base.system_prompt + "\nBe brief.",
                             user_prompt=base.user_prompt, parent=base)  # fmt: skip
    return version_activate(version)


def acme_template() -> PromptTemplate:
    """acme's own copy of the kind's template (the `api` fixture's organization)."""
    platform = PromptTemplate.objects.get(name=KIND, organization__isnull=True)
    return template_fork(template=platform, organization=Organization.objects.get(slug="acme"), forked_by="t")


def golden_set():
    line = json.dumps({"key": "a", "taskKind": KIND, "input": {"content": "Acme shirt", "locale": "en"},
                       "expected": {"fields": {"brand": "Acme"}}, "provenance": "hand_labelled"})  # fmt: skip
    return dataset_import(name="golden", kind="golden", lines=[line]).dataset


def finished_run(dataset, version, *, passed: bool, outcomes=()):
    run = EvalRun.objects.create(dataset=dataset, template=version.version, status=RunStatus.COMPLETED,
                                 passed=passed, versions={KIND: {"version": version.version,
                                                                 "versionId": str(version.id)}})  # fmt: skip
    for outcome in outcomes:
        EvalResult.objects.create(run=run, item=dataset.items.first(), outcome=outcome, scored_at=timezone.now())
    run.metrics = run_metrics([r.outcome for r in run.results.all()])
    run.save()
    return run


def test_production_needs_a_passing_golden_run_of_that_version(settings, client, api):
    settings.BEACON_EVAL_LAUNCH_GATE = True
    template = acme_template()
    version = live_version(template)
    with pytest.raises(TemplateError) as caught:
        label_set(template=template, name="production", arms=[Arm(version)], moved_by="ana", reason="launch")
    assert caught.value.code == "launch_gate" and "no golden dataset" in caught.value.message
    moved = api.put(f"/api/v1/templates/{template.id}/labels/production",
                    {"arms": [{"version": version.version}], "reason": "launch"}, format="json")  # fmt: skip
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "launch_gate"
    dataset = golden_set()
    finished_run(dataset, version, passed=False)
    with pytest.raises(TemplateError) as caught:
        label_set(template=template, name="production", arms=[Arm(version)], moved_by="ana", reason="launch")
    assert "no passing evaluation run" in caught.value.message
    staff = get_user_model().objects.create_superuser("ops", password="x")
    client.force_login(staff)
    page = client.get(f"/admin/prompts/templateversion/{version.id}/change/").content.decode()
    assert "blocked: no passing evaluation run" in page
    finished_run(dataset, version, passed=True)
    label = label_set(template=template, name="production", arms=[Arm(version)], moved_by="ana", reason="launch")
    assert label.arms.get().version == version
    # A newer golden set version wants a new run.
    golden_set()
    other = live_version(template)
    with pytest.raises(TemplateError):
        label_set(template=template, name="production", arms=[Arm(other)], moved_by="ana", reason="launch")


def test_a_monitor_breach_rolls_production_back_and_alerts(api, scripted, settings, caplog):
    settings.BEACON_EVAL_MONITORS = {**settings.BEACON_EVAL_MONITORS, "minJobs": 5}
    template = acme_template()
    version = live_version(template)
    label_set(template=template, name="production", arms=[Arm(version)], moved_by="ana", reason="launch")
    for _ in range(6):
        job_id = api.post("/api/v1/generations", generation_body(KIND), format="json").json()["data"]["id"]
        scripted_responses_push(json.dumps({"refusal": "I cannot help with that."}))
        job_run_inline(job_id)
    assert set(Job.objects.values_list("status", flat=True)) == {"failed"}
    alerts = monitors_run()
    refusal = next(a for a in alerts if a.metric == "refusalRate" and not a.deployment)
    assert refusal.action == MonitorAlert.Action.ROLLED_BACK and refusal.jobs == 6
    label = template.labels.get(name="production")
    assert label.arms.get().version.version == task_kinds()[KIND].version
    assert label.moves.all()[0].reason.startswith("rollback: refusalRate")
    assert "monitor breach" in caplog.text
    # Once per window: the next beat does not alert (or roll back) again.
    assert not [a for a in monitors_run() if a.metric == "refusalRate"]


def test_a_few_bad_jobs_do_not_breach_a_rate(api, scripted, settings):
    settings.BEACON_EVAL_MONITORS = {**settings.BEACON_EVAL_MONITORS, "minJobs": 5}
    for n in range(6):
        job_id = api.post("/api/v1/generations", generation_body(KIND), format="json").json()["data"]["id"]
        if n == 0:
            scripted_responses_push(json.dumps({"refusal": "no"}))
        job_run_inline(job_id)
    # 1 refusal in 6: 17%, but the interval's lower end is under 5%.
    assert not [a for a in monitors_run() if a.metric == "refusalRate"]


def test_the_judge_grades_a_sample_and_records_it(api, scripted, settings):
    settings.BEACON_EVAL_JUDGE_RATE = 1.0
    body = generation_body("product_description", content="Acme blue cotton shirt, size M.")
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    job_run_inline(job_id)
    scripted_responses_push(json.dumps({"score": 4, "faithful": True, "reason": "Accurate and clear."}))
    assert judge_sample() == 1
    score = JudgeScore.objects.get()
    assert (score.score, score.faithful, str(score.job_id)) == (4, True, job_id)
    assert judge_sample() == 0  # judged once


def test_report_and_comparison_show_metrics_plots_and_changed_items(client):
    template = PromptTemplate.objects.get(name=KIND)
    dataset = golden_set()
    version = template.versions.get(version=task_kinds()[KIND].version)
    brand = {"field": "brand", "expected": "Acme", "delivered": "Acme", "supported_by_source": True}
    good = {"taskKind": KIND, "delivered": True, "validFinal": True, "jobStatus": "completed",
            "expectedFields": {"brand": "Acme"}, "costUsd": 0.001, "totalMs": 900, "latencyMs": {"generate": 700},
            "fields": [brand]}  # fmt: skip
    bad = {**good, "fields": [{**brand, "delivered": "Zed", "supported_by_source": False}]}
    run_a = finished_run(dataset, version, passed=True, outcomes=[good])
    run_b = finished_run(dataset, version, passed=False, outcomes=[bad])
    html = run_report(run_b)
    assert html.count("data:image/png;base64,") == 3 and "<h2>Gates</h2>" in html
    text = runs_compare(run_a, run_b)
    assert "hallucinationRate" in text and "items that changed outcome: 1" in text and "a: ok -> not ok" in text
    client.force_login(get_user_model().objects.create_superuser("ops", password="x"))
    response = client.get(f"/admin/evals/evalrun/{run_b.id}/report/")
    assert response.status_code == 200 and b"Evaluation run" in response.content
    assert b"report" in client.get("/admin/evals/evalrun/").content


def test_old_jobs_fall_out_of_the_window(api, scripted, settings):
    settings.BEACON_EVAL_MONITORS = {**settings.BEACON_EVAL_MONITORS, "minJobs": 1}
    job_id = api.post("/api/v1/generations", generation_body(KIND), format="json").json()["data"]["id"]
    scripted_responses_push(json.dumps({"refusal": "no"}))
    job_run_inline(job_id)
    Job.objects.filter(id=job_id).update(created_at=timezone.now() - timedelta(hours=3))
    assert monitors_run() == []
