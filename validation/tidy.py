"""Tidying generated copy: the mechanical faults Beacon fixes itself.

A small model's copy often fails on form, not content: a bullet point
written twice, an SEO description a few words over its limit, a title in
capitals. Asking the model again costs a whole call (seconds on a CPU) and
rarely helps; fixing the form takes microseconds and adds nothing the model
did not write. So generation answers are tidied before they are checked,
and every change is listed in the result's validation record
(`parseChanges`), beside what parsing itself changed.

What tidying does, and nothing more:
- a list of strings loses empty items and items that repeat an earlier one
  (case, spacing and punctuation aside);
- a string over its schema's `maxLength` keeps the whole sentences that fit,
  else its first sentence cut at a word boundary;
- a title (a field whose name ends in `title`) written entirely in capitals
  is recased word by word.

Tidying only removes text or changes its case, so it can never add a claim
the grounding check would have to catch; the checks run on the tidied copy.
"""

import copy
import re
import string
from typing import Any

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[\u3002\uff01\uff1f])")


def generation_tidied(output: Any, schema: dict[str, Any]) -> tuple[Any, list[str]]:
    """`output` tidied against `schema`, and the changes made (empty: none)."""
    tidied = copy.deepcopy(output)
    changes: list[str] = []
    _tidy(tidied, schema, "", changes)
    return tidied, changes


def _tidy(node: Any, schema: dict[str, Any], path: str, changes: list[str]) -> None:
    properties = schema.get("properties") or {}
    if isinstance(node, dict):
        for key, value in node.items():
            child = properties.get(key) or {}
            where = f"{path}.{key}" if path else key
            if isinstance(value, str):
                node[key] = _tidy_string(value, child, key, where, changes)
            elif isinstance(value, list):
                _tidy_list(value, child, where, changes)
            elif isinstance(value, dict):
                _tidy(value, child, where, changes)


def _tidy_list(items: list[Any], schema: dict[str, Any], path: str, changes: list[str]) -> None:
    item_schema = schema.get("items") or {}
    seen: set[str] = set()
    kept: list[Any] = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            kept.append(item)
            continue
        key = _comparable(item)
        if not key:
            changes.append(f"{path}[{index}]: empty, dropped")
            continue
        if key in seen:
            changes.append(f"{path}[{index}]: repeats an earlier item, dropped")
            continue
        seen.add(key)
        kept.append(_tidy_string(item, item_schema, "", f"{path}[{index}]", changes))
    items[:] = kept


def _tidy_string(text: str, schema: dict[str, Any], key: str, path: str, changes: list[str]) -> str:
    if key.endswith("title") and _shouting(text):
        text = string.capwords(text.lower())
        changes.append(f"{path}: written in capitals, recased")
    limit = schema.get("maxLength")
    if isinstance(limit, int) and len(text) > limit:
        shortened = shortened_to(text, limit)
        if shortened:
            changes.append(f"{path}: {len(text)} characters over a limit of {limit}, shortened to {len(shortened)}")
            text = shortened
    return text


def shortened_to(text: str, limit: int) -> str:
    """The whole sentences of `text` that fit in `limit` characters; if not
    even the first fits, the first cut at a word boundary ('' if no word fits)."""
    sentences = SENTENCE_END.split(text.strip())
    kept = ""
    for sentence in sentences:
        candidate = f"{kept} {sentence}" if kept else sentence
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    cut = sentences[0][: limit + 1]
    return cut.rsplit(" ", 1)[0].rstrip(",;:-") if " " in cut else ""


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and text == text.upper() and text != text.lower()


def _comparable(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()
