"""Historical outcomes import and the stratified sampler."""

import json

import pytest
from django.core.management import call_command

from evals.datasets import dataset_get, dataset_import
from evals.sampling import allocation, history_rows, stratified_sample


def test_allocation_is_proportional_with_a_floor_and_sums_to_the_size():
    counts = allocation({"a": 900, "b": 90, "c": 3}, total=100, minimum=5)
    assert counts["c"] == 3 and counts["b"] >= 5 and sum(counts.values()) == 100
    assert counts["a"] > counts["b"] > counts["c"]
    assert allocation({"a": 4, "b": 2}, total=10, minimum=5) == {"a": 4, "b": 2}  # asks for more than there is


def _history(n: int, kind: str, locale: str, tier: str, start: int = 0) -> list[str]:
    return [json.dumps({
        "jobId": f"{kind}-{locale}-{tier}-{i}", "taskKind": kind, "locale": locale, "customerTier": tier,
        "input": {"content": f"Item {i}", "locale": locale}, "modelOutput": {"x": 1}, "finalOutput": {"x": 2},
        "decision": "edited", "reviewer": "rita", "model": "local-small", "templateVersion": "1.0.0",
    }) for i in range(start, start + n)]  # fmt: skip


@pytest.mark.django_db
def test_history_imports_and_the_sampler_spreads_across_strata(tmp_path, capsys):
    lines = (_history(300, "metadata_enrichment", "en-US", "standard")
             + _history(40, "taxonomy_tagging", "de-DE", "premium")
             + _history(2, "moderation_summary", "fr-FR", "free"))  # fmt: skip
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(lines))
    call_command("eval", "import", "--dataset", "history", "--kind", "history", "--from-review-export", str(path))
    dataset = dataset_get("history")
    item = dataset.items.get(key="job:metadata_enrichment-en-US-standard-0")
    assert item.provenance == "review_decision" and item.expected["output"] == {"x": 2}
    assert item.tags == {"locale": "en-US", "tier": "standard", "model": "local-small", "templateVersion": "1.0.0"}
    chosen = stratified_sample(dataset, size=50, minimum=5, seed=1)
    kinds = [c.task_kind for c in chosen]
    assert len(chosen) == 50 and kinds.count("moderation_summary") == 2 and kinds.count("taxonomy_tagging") >= 5
    assert [c.key for c in stratified_sample(dataset, size=50, minimum=5, seed=1)] == [c.key for c in chosen]
    out = tmp_path / "proposal.jsonl"
    call_command("eval", "sample", "--dataset", "history", "--size", "50", "--out", str(out))
    assert len(out.read_text().splitlines()) == 50


def test_rejected_outcomes_carry_no_expected_output():
    (line,) = history_rows([json.dumps({"jobId": "j1", "taskKind": "product_description", "decision": "rejected",
                                        "finalOutput": None, "input": {"content": "x", "locale": "en"}})])  # fmt: skip
    assert json.loads(line)["expected"]["output"] is None


@pytest.mark.django_db
def test_history_items_go_through_the_same_checks():
    lines = list(history_rows(_history(1, "metadata_enrichment", "en-US", "standard")))
    assert dataset_import(name="h", kind="history", lines=lines).items == 1
