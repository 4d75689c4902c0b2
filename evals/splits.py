"""The golden set's development and test parts, fixed once.

Within each task kind the items are ordered by a salted hash of their key
and the first half is the development part, the rest the test part. The
salt is fixed, so the parts are the same on every machine and for every
later import of the same labels; a label added later falls where its hash
puts it. Prompts, candidate cues, few-shot examples and calibration are
tuned on the development part only; figures are reported on the test part.

Items that share a written sentence (the golden set's synthetic moderation
items: ten violating sentences, each added to five real listings) are split
by the sentence, not by item, so that no sentence is in both parts and a
content-policy pattern written for a development sentence is measured on
sentences it was not written for. Within each stratum (the sentence's
category) the sentences take turns by hash, the first to the development
part.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable

SPLIT_SALT = "beacon-golden-split-2026-11"
DEV_SHARE = 0.5
SPLITS = ("dev", "test")


def _rank(key: str) -> str:
    return hashlib.sha256(f"{SPLIT_SALT}:{key}".encode()).hexdigest()


def splits_assign(items: Iterable[tuple[str, str]], groups: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """(task kind, key) pairs -> {key: "dev" | "test"}, stratified by kind;
    `groups` maps a key to (stratum, group) for items split by group."""
    groups = groups or {}
    by_kind: dict[str, list[str]] = defaultdict(list)
    by_stratum: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[str]] = defaultdict(list)
    for kind, key in items:
        if key in groups:
            stratum, group = groups[key]
            by_stratum[f"{kind}:{stratum}"].add(group)
            members[group].append(key)
        else:
            by_kind[kind].append(key)
    split: dict[str, str] = {}
    for stratum_groups in by_stratum.values():
        for position, group in enumerate(sorted(stratum_groups, key=_rank)):
            split.update(dict.fromkeys(members[group], SPLITS[position % 2]))
    for keys in by_kind.values():
        ranked = sorted(keys, key=_rank)
        cut = round(len(ranked) * DEV_SHARE)
        split.update({key: "dev" if position < cut else "test" for position, key in enumerate(ranked)})
    return split


def adversarial_split(cases: Iterable[dict]) -> dict[str, str]:
    """The adversarial set's cases (safety/data/adversarial/cases.jsonl) ->
    {case id: "dev" | "test"}, frozen before any layer was tuned on them.

    - The first part (bench/adversarial_build.py's first builder) is what the
      input layers were written against: development.
    - The blind part repeats one phrasing per technique and language, so it
      is split by that phrasing, not by case: within each technique the
      (technique, language) groups take turns by salted hash, the first to
      the test part. A rule written for a development phrasing is then
      measured on phrasings it was not written for.
    - The held-out part (bench/adversarial_heldout.py: techniques, carriers,
      languages and encodings the layers had never seen) is all test.
    """
    split: dict[str, str] = {}
    groups: dict[str, set[tuple[str, str]]] = defaultdict(set)
    blind: list[dict] = []
    for case in cases:
        provenance = case.get("provenance", "")
        if "held-out" in provenance:
            split[case["id"]] = "test"
        elif "blind" in provenance:
            blind.append(case)
            groups[case["technique"]].add((case["technique"], case["language"]))
        else:
            split[case["id"]] = "dev"
    turn: dict[tuple[str, str], str] = {}
    for members in groups.values():
        for position, group in enumerate(sorted(members, key=lambda g: _rank(f"adversarial:{g[0]}:{g[1]}"))):
            turn[group] = SPLITS[(position + 1) % 2]
    for case in blind:
        split[case["id"]] = turn[(case["technique"], case["language"])]
    return split


def fresh_split(cases: Iterable[dict]) -> dict[str, str]:
    """The fresh adversarial set's cases (safety/data/adversarial/fresh.jsonl,
    bench/adversarial_fresh.py, written apart from every layer) ->
    {case id: "dev" | "test"}, frozen before any layer was tuned on them.

    Split by written wording (a case's `phrasing`), not by case: within each
    technique its phrasings take turns by salted hash, the first to the test
    part, so every technique lies in both parts and a rule written for a
    development wording is measured on wordings it was not written for.
    """
    cases = list(cases)
    phrasings: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        phrasings[case["technique"]].add(case["phrasing"])
    turn: dict[str, str] = {}
    for members in phrasings.values():
        for position, phrasing in enumerate(sorted(members, key=lambda p: _rank(f"fresh:{p}"))):
            turn[phrasing] = SPLITS[(position + 1) % 2]
    return {case["id"]: turn[case["phrasing"]] for case in cases}
