"""Per-source extraction figures and tagging reliability, from item records."""

from evals.metrics import FieldOutcome
from evals.run_metrics import confidence_reliability, fields_by_source, run_metrics


def test_fields_are_counted_per_proposing_component_and_confirmation():
    fields = [
        FieldOutcome("brand", "Acme", "Acme", True, source="brand_cue", confirmed=True),
        FieldOutcome("brand", "Acme", "Acme Ltd", True, source="brand_cue", confirmed=False),
        FieldOutcome("colour", None, "Red", True, source="lexicon", confirmed=True),  # the label says nothing
        FieldOutcome("size", None, "XL", False, source="model", confirmed=True),  # not in the input
        FieldOutcome("size", "M", None, False),  # abstained: not a delivered field
    ]
    table = fields_by_source(fields)
    assert table["brand_cue"]["delivered"] == 2 and table["brand_cue"]["right"] == 1
    assert table["brand_cue"]["precision"]["value"] == 0.5
    assert table["lexicon"]["unlabelled"] == 1 and table["lexicon"]["invented"] == 0
    assert table["model"]["invented"] == 1
    assert table["confirmed"]["delivered"] == 3 and table["not confirmed"]["delivered"] == 1


def test_tagging_reliability_bins_accuracy_by_confidence():
    outcomes = [(0.9, True), (0.85, True), (0.82, False), (0.3, False), (0.35, True)]
    rows = [{"taskKind": "taxonomy_tagging", "labels": {"top1": right, "confidence": confidence,
                                                        "predicted": ["a"], "expected": ["a" if right else "b"]}}
            for confidence, right in outcomes]  # fmt: skip
    bins = confidence_reliability(rows)
    assert [(b["low"], b["n"]) for b in bins] == [(0.2, 2), (0.8, 3)]
    assert bins[1]["accuracy"]["value"] == round(2 / 3, 4)
    assert "confidenceReliability" in run_metrics(rows)["byTaskKind"]["taxonomy_tagging"]
