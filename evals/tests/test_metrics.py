"""Every metric on hand-made cases with known answers."""

import pytest

from evals.metrics import FieldOutcome, field_scores, hallucination, label_scores, normalized, wilson


def test_wilson_matches_known_intervals():
    assert wilson(0, 125).high == pytest.approx(0.0298, abs=1e-4)  # not "0%": under 3% at 95%
    rate = wilson(50, 100)
    assert (round(rate.low, 4), round(rate.high, 4)) == (0.4038, 0.5962)
    assert wilson(0, 0).as_dict() == {"value": 0.0, "hits": 0, "total": 0, "ci95": [0.0, 1.0]}


def test_normalized_ignores_case_accents_and_punctuation():
    assert normalized("  Crème-Brûlée! ") == normalized("creme brulee")


def test_hallucination_counts_delivered_values_supported_by_nothing():
    outcomes = [
        FieldOutcome("colour", "navy", "Navy"),  # right
        FieldOutcome("brand", "Acme", "Zenith"),  # wrong and not in the source: hallucinated
        FieldOutcome("size", None, "L", supported_by_source=True),  # unlabelled but in the source: not invented
        FieldOutcome("material", None, "silk"),  # the source says nothing: hallucinated
    ]
    scores = hallucination(outcomes)
    assert (scores["hallucinationRate"].hits, scores["hallucinationRate"].total) == (2, 4)
    assert (scores["coverage"].hits, scores["coverage"].total) == (1, 2)


def test_abstaining_cannot_pass_the_gate():
    # A model that returns null everywhere hallucinates nothing and covers nothing.
    outcomes = [FieldOutcome("colour", "navy", None), FieldOutcome("brand", "Acme", None)]
    scores = hallucination(outcomes)
    assert scores["hallucinationRate"].value == 0.0 and scores["hallucinationRate"].total == 0
    assert scores["coverage"].value == 0.0 and scores["coverage"].total == 2


def test_field_scores_per_field():
    outcomes = [FieldOutcome("colour", "navy", "navy"), FieldOutcome("colour", "red", "Red"),
                FieldOutcome("colour", "blue", None), FieldOutcome("colour", None, "green")]  # fmt: skip
    colour = field_scores(outcomes)["colour"]
    assert colour["exactMatch"]["hits"] == 1 and colour["normalizedMatch"]["hits"] == 2
    assert (colour["precision"]["hits"], colour["precision"]["total"]) == (2, 3)
    assert (colour["recall"]["hits"], colour["recall"]["total"]) == (2, 3)


def test_label_precision_recall_f1():
    pairs = [({"a", "b"}, {"a"}), ({"c"}, {"c", "d"}), (set(), {"e"})]
    assert label_scores(pairs) == {"precision": 0.6667, "recall": 0.5, "f1": 0.5714}
    assert label_scores([]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
