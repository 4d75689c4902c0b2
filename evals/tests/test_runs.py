"""The runner through the real path: jobs of the evaluation organization on a
real worker (scripted model), scored, gated, resumable."""

import json

import pytest
from django.core.management import CommandError, call_command

from evals.datasets import DatasetError, dataset_import
from evals.models import EvalResult, EvalRun
from evals.runner import EVAL_ORGANIZATION, run_execute, run_start
from jobs.models import Job
from llm.scripted import scripted_responses_push
from prompts.task_kinds import task_kinds

CONTENT = "Navy cotton shirt by Acme, size M. Machine washable."
# The model's answer: one of each attribute's candidates (Beacon adds the evidence).
RIGHT = json.dumps({"brand": "Acme", "colour": "Navy", "material": "cotton", "size": "M"})
NOTHING = json.dumps({"brand": None, "colour": None, "material": None, "size": None})
LOOSE_GATES = {"golden": {"hallucinationRate": {"max": 0.9}, "coverage": {"min": 0.3}}}


def golden(items: int = 3):
    lines = [json.dumps({"key": f"shirt-{n}", "taskKind": "metadata_enrichment", "provenance": "hand_labelled",
                         "input": {"content": f"{CONTENT} Item {n}.", "locale": "en"},
                         "expected": {"fields": {"brand": "Acme", "material": "cotton", "colour": "Navy", "size": "M"}},
                         "tags": {"locale": "en", "tier": "standard"}}) for n in range(items)]  # fmt: skip
    return dataset_import(name="golden", kind="golden", lines=lines).dataset


def eval_jobs() -> int:
    return Job.objects.filter(organization__slug=EVAL_ORGANIZATION).count()


@pytest.mark.slow
def test_a_run_scores_every_item_and_passes_its_gates(start_worker, settings, capsys):
    settings.BEACON_EVAL_GATES = LOOSE_GATES
    golden()
    start_worker(LLM_PROVIDER="scripted")
    scripted_responses_push(RIGHT, RIGHT, RIGHT)
    call_command("eval", "run", "--dataset", "golden", "--template", "production", "--concurrency", "1", "--gate")
    run = EvalRun.objects.get()
    assert run.passed and run.status == "completed"
    rates = run.metrics["rates"]
    assert (rates["coverage"]["hits"], rates["coverage"]["total"]) == (12, 12)
    assert rates["hallucinationRate"]["hits"] == 0 and rates["deliveredRate"]["value"] == 1.0
    assert run.versions["metadata_enrichment"]["version"] == task_kinds()["metadata_enrichment"].version
    outcome = run.results.all()[0].outcome
    assert outcome["validFirstAttempt"] and outcome["latencyMs"]["generate"] >= 0
    assert json.loads(capsys.readouterr().out)["passed"] is True


@pytest.mark.slow
def test_a_failing_gate_exits_non_zero(start_worker, settings):
    settings.BEACON_EVAL_GATES = LOOSE_GATES
    golden(items=2)
    # The model chooses nothing, and no cue is strong enough to stand alone.
    start_worker(LLM_PROVIDER="scripted", BEACON_EXTRACTION_ACCEPT_SCORE="2")
    scripted_responses_push(NOTHING, NOTHING)
    with pytest.raises(CommandError) as caught:
        call_command("eval", "run", "--dataset", "golden", "--template", task_kinds()["metadata_enrichment"].version,
                     "--gate")  # fmt: skip
    assert caught.value.returncode == 3 and "coverage" in str(caught.value)
    run = EvalRun.objects.get()
    assert run.passed is False and run.metrics["rates"]["coverage"]["hits"] == 0


@pytest.mark.slow
def test_an_interrupted_run_resumes_without_submitting_an_item_twice(start_worker):
    dataset = golden(items=4)
    start_worker(LLM_PROVIDER="scripted")
    run = run_start(dataset=dataset, template="production")

    def stop_after_first(done: int, total: int) -> None:
        if done >= 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_execute(run=run, concurrency=1, poll_seconds=0.2, progress=stop_after_first)
    submitted = EvalResult.objects.filter(run=run, job_id__isnull=False)
    assert 1 <= submitted.count() < 4
    # A runner killed between submitting and saving the job id: the id is
    # lost here, but the idempotency key gives the same job back.
    lost = submitted[0]
    lost_job = lost.job_id
    EvalResult.objects.filter(id=lost.id).update(job_id=None, scored_at=None, outcome={})
    run = run_execute(run=run, concurrency=2, poll_seconds=0.2)
    assert run.status == "completed" and run.results.filter(scored_at__isnull=True).count() == 0
    assert eval_jobs() == 4
    assert EvalResult.objects.get(id=lost.id).job_id == lost_job


REAL_INPUTS = {
    "product_description": "Acme Trailblazer hiking boot. Waterproof leather upper, rubber sole, sizes 38-46.",
    "metadata_enrichment": "Acme cotton T-shirt in navy blue, size L. 100% cotton, machine washable.",
    "moderation_summary": "Great kettle, boils fast. The lid feels a bit flimsy but works fine.",
    "taxonomy_tagging": "Stainless steel frying pan, 28 cm, suitable for induction hobs.",
}
REAL_EXPECTED = {
    "product_description": {"facts": {"brand": "Acme", "material": "leather"}},
    "metadata_enrichment": {"fields": {"brand": "Acme", "material": "cotton", "colour": "navy blue", "size": "L"}},
    "moderation_summary": {"verdict": "allow", "categories": ["none"]},
    "taxonomy_tagging": {"labels": ["Home & Garden > Kitchen & Dining > Cookware"]},
}


@pytest.mark.slow
def test_golden_and_adversarial_items_run_through_the_local_model(start_worker, model_server):
    start_worker(LLM_PROVIDER="local", LLM_API_BASE=model_server)
    lines = [json.dumps({"key": kind, "taskKind": kind, "input": {"content": text, "locale": "en"},
                         "expected": REAL_EXPECTED[kind], "provenance": "hand_labelled"})
             for kind, text in REAL_INPUTS.items()]  # fmt: skip
    dataset_import(name="golden", kind="golden", lines=lines)
    call_command("eval", "import", "--dataset", "adversarial", "--kind", "adversarial", "--from-adversarial-set")
    call_command("eval", "run", "--dataset", "golden", "--template", "production", "--concurrency", "2")
    golden_run = EvalRun.objects.get(dataset__name="golden")
    assert golden_run.status == "completed" and golden_run.passed is False  # 4 items cannot pass a strict gate
    assert set(golden_run.metrics["byTaskKind"]) == set(REAL_INPUTS)
    for result in golden_run.results.all():
        assert result.job_status in {"completed", "reviewing", "failed", "cancelled"}, result.outcome
        assert result.outcome["deployment"].startswith("local-") or result.outcome["jobStatus"] == "failed"
    assert "coverage" in golden_run.metrics["rates"] and "taxonomyTop1" in golden_run.metrics["rates"]
    call_command("eval", "run", "--dataset", "adversarial", "--template", "production", "--sample", "4",
                 "--task-kind", "taxonomy_tagging")  # fmt: skip
    attacks = EvalRun.objects.get(dataset__name="adversarial")
    assert attacks.results.count() >= 1 and "injectionSuccessRate" in attacks.metrics["rates"]


def test_a_run_with_no_worker_stops_with_a_clear_resumable_error(db):
    dataset = golden(items=1)
    run = run_start(dataset=dataset, template="production")
    with pytest.raises(DatasetError, match="are the workers running"):
        run_execute(run=run, poll_seconds=0.05, stall_seconds=0.3)
    run.refresh_from_db()
    assert run.status == "failed" and run.results.filter(job_id__isnull=False).count() == 1


def test_a_fresh_sample_leaves_out_the_items_of_an_earlier_run(db):
    dataset = golden(items=12)
    earlier = run_start(dataset=dataset, template="production", sample=5, seed=2)
    fresh = run_start(dataset=dataset, template="production", sample=5, seed=2, exclude_runs=[earlier])
    earlier_items = set(earlier.results.values_list("item_id", flat=True))
    fresh_items = set(fresh.results.values_list("item_id", flat=True))
    assert len(earlier_items) == 5 and len(fresh_items) == 5
    assert not earlier_items & fresh_items
    rest = run_start(dataset=dataset, template="production", exclude_runs=[earlier, fresh])
    assert set(rest.results.values_list("item_id", flat=True)) == set(dataset.items.values_list("id", flat=True)) - (
        earlier_items | fresh_items
    )


def test_excluding_a_run_that_does_not_exist_is_a_clear_error(db):
    golden(items=2)
    with pytest.raises(CommandError, match="no run not-a-run to exclude"):
        call_command("eval", "run", "--dataset", "golden", "--template", "production", "--exclude-run", "not-a-run")


def test_a_malformed_or_unknown_run_id_is_a_clear_error_for_every_action(db):
    for args in (
        ("run", "--resume", "not-a-run"),
        ("rescore", "not-a-run"),
        ("report", "not-a-run", "--out", "/dev/null"),
        ("compare", "not-a-run", "00000000-0000-0000-0000-000000000000"),
    ):
        with pytest.raises(CommandError, match="no run not-a-run"):
            call_command("eval", *args)
    with pytest.raises(CommandError, match="no run 00000000-0000-0000-0000-000000000000"):
        call_command("eval", "rescore", "00000000-0000-0000-0000-000000000000")
