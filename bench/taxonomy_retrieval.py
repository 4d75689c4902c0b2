"""Retrieval's top-1 on the golden set's tagging items, without a model.

    cd bench && DATABASE_URL=... ../.venv/bin/python taxonomy_retrieval.py [--split dev|test|both] [--show 20]

A tagging job delivers retrieval's first category whenever retrieval found
one (prompts/taxonomy.py, `taxonomy_choice` with the default lead 1.0), so
this is the tagging top-1 an evaluation run gets, minus the items where
retrieval finds nothing and the model decides. It runs in seconds, which
makes it the instrument for changes to the index: tune on the development
part (`--split dev`, `--show` lists its misses), then report the test part
once. Needs the golden set's records (../shared/data).
"""

import argparse
import json
import math

from stack import setup_django


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if total == 0:
        return 0.0, 1.0
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["dev", "test", "both"], default="dev")
    parser.add_argument("--show", type=int, default=0, help="list this many misses")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from evals.golden import DEFAULT_DATA_DIR, golden_rows, golden_split_groups, labels_read
    from evals.splits import splits_assign
    from prompts.taxonomy import demo_taxonomy_ensure, taxonomy_ranking

    labels = [label for label in labels_read() if label["taskKind"] == "taxonomy_tagging"]
    rows = [json.loads(line) for line in golden_rows(labels, DEFAULT_DATA_DIR)]
    rows = [row for row in rows if row["input"] is not None]
    split = splits_assign([(row["taskKind"], row["key"]) for row in rows], golden_split_groups())
    taxonomy = demo_taxonomy_ensure()
    wanted = ("dev", "test") if args.split == "both" else (args.split,)
    for part in wanted:
        items = [row for row in rows if split[row["key"]] == part]
        hits, misses = 0, []
        for row in items:
            ranking = taxonomy_ranking(
                taxonomy=taxonomy, parameters=row["input"], limit=settings.BEACON_TAXONOMY_CANDIDATES
            )
            first = ranking[0][0] if ranking and ranking[0][1] > 0 else None
            if first == row["expected"]["labels"][0]:
                hits += 1
            else:
                misses.append((row["input"]["content"][:70], row["expected"]["labels"][0], first))
        low, high = wilson(hits, len(items))
        print(f"{part}: retrieval top-1 {hits}/{len(items)} = {hits / max(len(items), 1):.1%} [{low:.1%}, {high:.1%}]")
        for content, expected, got in misses[: args.show]:
            print(f"  {content!r}\n    expected {expected}\n    got      {got}")


if __name__ == "__main__":
    main()
