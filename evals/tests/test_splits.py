"""The golden set's development and test parts."""

from collections import Counter

from evals.splits import splits_assign


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
