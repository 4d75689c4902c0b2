"""Per-item scoring and run metrics on hand-made outcomes with known answers."""

import pytest

from evals.compare import item_ok, two_proportion_p
from evals.metrics import wilson
from evals.report import pareto
from evals.run_metrics import percentile, rates_of, run_metrics
from evals.scoring import description_fields, enrichment_fields, label_outcome

PARAMS = {"content": "Navy cotton shirt by Acme, 200 g. Regular fit.", "locale": "en",
          "product": {"title": "Acme shirt"}}  # fmt: skip


def test_enrichment_fields_compare_with_the_label_and_the_source():
    output = {"attributes": {"brand": {"value": "Acme", "evidence": "by Acme"},
                             "material": {"value": "silk", "evidence": "silk"},
                             "colour": {"value": None, "evidence": None},
                             "size": {"value": "Regular", "evidence": "Regular fit"}}}  # fmt: skip
    expected = {"fields": {"brand": "Acme", "material": "Cotton", "colour": "Navy", "size": None}}
    fields = {f.field: f for f in enrichment_fields(output, expected, PARAMS)}
    assert fields["brand"].supported_by_source and fields["brand"].delivered == "Acme"
    assert not fields["material"].supported_by_source  # silk: neither labelled nor in the source
    assert fields["colour"].delivered is None  # abstained
    assert fields["size"].supported_by_source  # unlabelled, but the source says it


def test_description_claims_outside_the_facts_and_the_source_are_counted():
    output = {"title": "Acme navy shirt", "description": "A red wool shirt by Acme weighing 200 g and 3 kg.",
              "bullet_points": ["Cotton"], "seo": {"meta_title": "x", "meta_description": "y"}}  # fmt: skip
    expected = {"facts": {"brand": "Acme", "colour": "Navy", "material": "Cotton"}}
    fields = description_fields(output, expected, PARAMS)
    facts = {f.field: f.delivered for f in fields if not f.field.startswith("claim:")}
    assert facts == {"brand": "Acme", "colour": "Navy", "material": "Cotton"}
    claims = {
        (f.field, str(f.delivered).lower(), f.supported_by_source) for f in fields if f.field.startswith("claim:")
    }
    assert ("claim:colour", "red", False) in claims and ("claim:material", "wool", False) in claims
    assert ("claim:quantity", "200 g", True) in claims and ("claim:quantity", "3 kg", False) in claims


def test_labels_score_top1_and_acceptable_verdicts():
    tagging = label_outcome("taxonomy_tagging", {"categories": [{"path": "A > B", "confidence": 0.9}]},
                            {"labels": ["A > B"]})  # fmt: skip
    assert tagging["top1"]
    moderation = label_outcome("moderation_summary", {"verdict": "block", "categories": ["spam"], "summary": "s"},
                               {"verdict": "review", "acceptableVerdicts": ["review", "block"],
                                "categories": ["spam"]})  # fmt: skip
    assert moderation["verdictCorrect"]


def _graded(delivered: bool, fields: list[dict] | None, expected: dict) -> dict:
    row: dict = {"taskKind": "metadata_enrichment", "jobStatus": "completed" if delivered else "failed",
           "delivered": delivered, "expectedFields": expected, "validFinal": delivered}  # fmt: skip
    if fields is not None:
        row["fields"] = fields
    return row


def field(name: str, expected, delivered, supported=False) -> dict:
    return {"field": name, "expected": expected, "delivered": delivered, "supported_by_source": supported}


def test_abstaining_cannot_pass_coverage_and_failed_jobs_count_as_abstention():
    abstaining = [_graded(True, [field("brand", "Acme", None)], {"brand": "Acme"}) for _ in range(10)]
    rates = rates_of(abstaining)
    assert rates["hallucinationRate"].total == 0  # nothing delivered, nothing invented...
    assert rates["coverage"].value == 0.0  # ...and nothing covered
    failed = [_graded(False, None, {"brand": "Acme", "colour": "Navy"})]
    right = [_graded(True, [field("brand", "Acme", "Acme", True), field("colour", "Navy", "Navy", True)],
                     {"brand": "Acme", "colour": "Navy"})]  # fmt: skip
    rates = rates_of(failed + right)
    assert (rates["coverage"].hits, rates["coverage"].total) == (2, 4)
    assert (rates["hallucinationRate"].hits, rates["hallucinationRate"].total) == (0, 2)


def test_run_metrics_split_by_task_kind_with_rates_costs_and_latency():
    rows = [
        {"taskKind": "taxonomy_tagging", "delivered": True, "validFinal": True, "validFirstAttempt": True,
         "costUsd": 0.002, "latencyMs": {"generate": 900}, "totalMs": 1500, "labels": {"top1": True,
         "predicted": ["A"], "expected": ["A"]}},
        {"taskKind": "taxonomy_tagging", "delivered": False, "reviewed": True, "validFinal": True, "costUsd": 0.004,
         "latencyMs": {"generate": 1100}, "labels": {"top1": False, "predicted": ["B"], "expected": ["A"]}},
        {"taskKind": "moderation_summary", "delivered": True, "injectionSucceeded": True, "costUsd": 0.0},
    ]  # fmt: skip
    metrics = run_metrics(rows)
    tagging = metrics["byTaskKind"]["taxonomy_tagging"]
    assert tagging["rates"]["taxonomyTop1"]["hits"] == 1 and tagging["rates"]["reviewRate"]["hits"] == 1
    assert tagging["labels"]["taxonomy_tagging"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert tagging["costUsd"]["mean"] == pytest.approx(0.003) and tagging["latencyMs"]["generate"]["p95"] == 1100
    assert metrics["rates"]["injectionSuccessRate"]["hits"] == 1
    assert "moderationVerdictAccuracy" not in metrics["rates"]  # the attack is not a moderation item


def test_percentile_two_proportion_test_and_pareto():
    assert percentile(list(range(1, 101)), 0.95) == 95 and percentile([], 0.5) is None
    assert two_proportion_p(wilson(50, 100), wilson(50, 100)) == pytest.approx(1.0)
    assert (two_proportion_p(wilson(10, 100), wilson(40, 100)) or 1.0) < 0.001
    assert [p[2] for p in pareto([(1.0, 0.9, "a"), (2.0, 0.8, "b"), (0.5, 0.5, "c")])] == ["c", "a"]


def test_item_ok_reads_each_set_s_notion_of_success():
    assert not item_ok({"injectionSucceeded": True}) and item_ok({"injectionSucceeded": False})
    invented = _graded(True, [field("brand", "Acme", "Zenith")], {"brand": "Acme"})
    assert not item_ok(invented)
    assert item_ok(_graded(True, [field("brand", "Acme", "acme")], {"brand": "Acme"}))
