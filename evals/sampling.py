"""Historical outcomes and the stratified sampler that proposes what to label.

Past jobs with human-reviewed outcomes arrive as JSONL in the shape
`manage.py review_export` writes (`jobId`, `taskKind`, `locale`,
`customerTier`, `input`, `modelOutput`, `finalOutput`, `decision`, ...). They
become a `history` dataset, and `stratified_sample` proposes N of them to
label, spread across task kinds, locales and customer tiers: each stratum gets
its share of N in proportion to its size, but at least `minimum` (or all it
has), so a rare locale is not sampled away. The draw is seeded.
"""

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from evals.models import EvalDataset, EvalItem

STRATA = ("task_kind", "locale", "tier")


def history_rows(lines: Iterable[str]) -> Iterator[str]:
    """Reviewed past jobs (review_export's shape) in the dataset format."""
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        final = row.get("finalOutput") if row.get("decision") != "rejected" else None
        yield (
            json.dumps(
                {
                    "key": f"job:{row['jobId']}",
                    "taskKind": row["taskKind"],
                    "input": row.get("input"),
                    "expected": {
                        "output": final,
                        "decision": row.get("decision"),
                        "rejectReason": row.get("rejectReason"),
                        "modelOutput": row.get("modelOutput"),
                    },
                    "tags": {
                        "locale": row.get("locale") or (row.get("input") or {}).get("locale"),
                        "tier": row.get("customerTier"),
                        "model": row.get("model"),
                        "templateVersion": row.get("templateVersion"),
                    },
                    "provenance": "review_decision",
                    "source": {"jobId": row["jobId"], "reviewer": row.get("reviewer")},
                },
                ensure_ascii=False,
            )
            + "\n"
        )


def _stratum(item: EvalItem) -> tuple[str, str, str]:
    return (item.task_kind, str(item.tags.get("locale") or "?"), str(item.tags.get("tier") or "?"))


def allocation(sizes: dict[Any, int], total: int, minimum: int) -> dict[Any, int]:
    """How many to draw per stratum: proportional, at least `minimum` (or
    the stratum's size), never more than the stratum has, summing to at most
    `total` (largest remainders get the spare)."""
    if total >= sum(sizes.values()):
        return dict(sizes)
    floor = {key: min(size, minimum) for key, size in sizes.items()}
    left = total - sum(floor.values())
    if left <= 0:
        return floor
    spare = {key: sizes[key] - floor[key] for key in sizes}
    weight = sum(spare.values())
    shares = {key: left * spare[key] / weight for key in sizes}
    counts = {key: floor[key] + min(spare[key], int(shares[key])) for key in sizes}
    order = sorted(sizes, key=lambda key: shares[key] - int(shares[key]), reverse=True)
    for key in order:
        if sum(counts.values()) >= total:
            break
        if counts[key] < sizes[key]:
            counts[key] += 1
    return counts


def stratified_sample(
    dataset: EvalDataset, *, size: int, minimum: int = 5, seed: int = 0, among: list[EvalItem] | None = None
) -> list[EvalItem]:
    """`among`: draw from these items of the dataset only (a split, some kinds)."""
    strata: dict[tuple[str, str, str], list[EvalItem]] = defaultdict(list)
    pool = sorted(among, key=lambda i: i.id) if among is not None else dataset.items.order_by("id")
    for item in pool:
        strata[_stratum(item)].append(item)
    counts = allocation({key: len(items) for key, items in strata.items()}, size, minimum)
    rng = random.Random(seed)  # noqa: S311 - a reproducible draw, not a secret
    chosen: list[EvalItem] = []
    for key in sorted(strata):
        chosen += rng.sample(strata[key], counts[key])
    return chosen
