"""The golden and adversarial sets' development and test parts."""

import hashlib
import json
from collections import Counter
from pathlib import Path

from evals.splits import adversarial_split, fresh_split, splits_assign

ADVERSARIAL_CASES = Path(__file__).resolve().parents[2] / "safety" / "data" / "adversarial" / "cases.jsonl"


def test_each_kind_splits_in_half_the_same_way_every_time():
    items = [("metadata_enrichment", f"e{n}") for n in range(300)] + [("taxonomy_tagging", f"t{n}") for n in range(125)]
    parts = splits_assign(items)
    assert parts == splits_assign(reversed(items))  # order of the input does not matter
    counts = Counter((kind, parts[key]) for kind, key in items)
    assert counts == {("metadata_enrichment", "dev"): 150, ("metadata_enrichment", "test"): 150,
                      ("taxonomy_tagging", "dev"): 62, ("taxonomy_tagging", "test"): 63}  # fmt: skip


def test_a_label_added_later_leaves_the_others_where_they_were_mostly():
    before = splits_assign(("k", f"x{n}") for n in range(200))
    after = splits_assign(("k", f"x{n}") for n in range(201))
    moved = sum(before[key] != after[key] for key in before)
    assert moved <= 1  # the cut moves by at most one item


def test_items_sharing_a_sentence_fall_in_one_part_and_each_stratum_has_both():
    groups = {f"m{n}": ("spam" if n < 30 else "illegal_goods", f"sentence {n % 5 if n < 30 else 5 + n % 4}")
              for n in range(50)}  # fmt: skip
    items = [("moderation_summary", f"m{n}") for n in range(150)]
    parts = splits_assign(items, groups)
    by_sentence: dict[str, set[str]] = {}
    for key, (_, sentence) in groups.items():
        by_sentence.setdefault(sentence, set()).add(parts[key])
    assert all(len(found) == 1 for found in by_sentence.values())  # no sentence in both parts
    for stratum in ("spam", "illegal_goods"):
        assert {parts[k] for k, (s, _) in groups.items() if s == stratum} == {"dev", "test"}
    ungrouped = Counter(parts[f"m{n}"] for n in range(50, 150))
    assert ungrouped == {"dev": 50, "test": 50}


def test_the_golden_sets_sentences_are_split_by_sentence():
    from evals.golden import golden_split_groups

    groups = golden_split_groups()
    assert len({sentence for _, sentence in groups.values()}) == 10
    parts = splits_assign([("moderation_summary", key) for key in groups], groups)
    assert {parts[key] for key in groups} == {"dev", "test"}


# The adversarial set's test part, frozen before any defence layer was tuned
# on it (docs/evaluation.md): a change to one of its cases, or to the rule
# that assigns them, shows here.
ADVERSARIAL_TEST_CASES = 1009
ADVERSARIAL_TEST_DIGEST = "e2799ac5dab82942f75f2da7888dbbb11c0658f7f631304c69801cfcfab851db"


def test_the_adversarial_test_part_is_frozen():
    cases = [json.loads(line) for line in ADVERSARIAL_CASES.read_text(encoding="utf-8").splitlines()]
    parts = adversarial_split(cases)
    test = [case for case in cases if parts[case["id"]] == "test"]
    text = "".join(json.dumps(case, sort_keys=True, ensure_ascii=False) for case in test)
    assert len(test) == ADVERSARIAL_TEST_CASES
    assert hashlib.sha256(text.encode()).hexdigest() == ADVERSARIAL_TEST_DIGEST


def test_a_blind_phrasing_lies_in_one_part_and_the_tuned_on_cases_are_development():
    cases = [json.loads(line) for line in ADVERSARIAL_CASES.read_text(encoding="utf-8").splitlines()]
    parts = adversarial_split(cases)
    by_phrasing: dict[tuple[str, str], set[str]] = {}
    for case in cases:
        if "blind" in case["provenance"]:
            by_phrasing.setdefault((case["technique"], case["language"]), set()).add(parts[case["id"]])
    assert all(len(sides) == 1 for sides in by_phrasing.values())
    assert all(parts[f"adv-{n:04d}"] == "dev" for n in range(1, 375))
    assert {parts[c["id"]] for c in cases if "held-out" in c["provenance"]} == {"test"}


# The fresh set's test part (bench/adversarial_fresh.py, written 2026-12-01
# apart from every layer), frozen before any layer was tuned on its
# development part.
FRESH_CASES = ADVERSARIAL_CASES.with_name("fresh.jsonl")
FRESH_TEST_CASES = 614
FRESH_TEST_DIGEST = "fa9224e9ee9843f79c2073777dbb8fbb05c08fafb82305573a395c146fffdff9"


def test_the_fresh_test_part_is_frozen():
    cases = [json.loads(line) for line in FRESH_CASES.read_text(encoding="utf-8").splitlines()]
    parts = fresh_split(cases)
    test = [case for case in cases if parts[case["id"]] == "test"]
    text = "".join(json.dumps(case, sort_keys=True, ensure_ascii=False) for case in test)
    assert len(test) == FRESH_TEST_CASES
    assert hashlib.sha256(text.encode()).hexdigest() == FRESH_TEST_DIGEST


def test_a_fresh_wording_lies_in_one_part_and_every_technique_in_both():
    cases = [json.loads(line) for line in FRESH_CASES.read_text(encoding="utf-8").splitlines()]
    parts = fresh_split(cases)
    by_phrasing: dict[str, set[str]] = {}
    by_technique: dict[str, set[str]] = {}
    for case in cases:
        by_phrasing.setdefault(case["phrasing"], set()).add(parts[case["id"]])
        by_technique.setdefault(case["technique"], set()).add(parts[case["id"]])
    assert all(len(sides) == 1 for sides in by_phrasing.values())
    assert all(sides == {"dev", "test"} for sides in by_technique.values())
