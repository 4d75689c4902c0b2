"""The golden set's development and test parts, fixed once.

Within each task kind the items are ordered by a salted hash of their key
and the first half is the development part, the rest the test part. The
salt is fixed, so the parts are the same on every machine and for every
later import of the same labels; a label added later falls where its hash
puts it. Prompts, candidate cues, few-shot examples and calibration are
tuned on the development part only; figures are reported on the test part.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable

SPLIT_SALT = "beacon-golden-split-2026-11"
DEV_SHARE = 0.5
SPLITS = ("dev", "test")


def _rank(key: str) -> str:
    return hashlib.sha256(f"{SPLIT_SALT}:{key}".encode()).hexdigest()


def splits_assign(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """(task kind, key) pairs -> {key: "dev" | "test"}, stratified by kind."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in items:
        by_kind[kind].append(key)
    split: dict[str, str] = {}
    for keys in by_kind.values():
        ranked = sorted(keys, key=_rank)
        cut = round(len(ranked) * DEV_SHARE)
        split.update({key: "dev" if position < cut else "test" for position, key in enumerate(ranked)})
    return split
