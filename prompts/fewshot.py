"""Few-shot examples chosen by similarity.

Before a job's own input, the prompt may show the model a few worked
examples of the same kind: other products and the answer that was right for
them (prompts.models.FewShotExample). They are the ones most similar to the
job's product, by cosine similarity of TF-IDF-weighted words (the words
taxonomy retrieval uses), among the organization's own examples and the
platform's. An example with the job's very text is never shown: it would be
the answer itself.

How many: `BEACON_FEW_SHOT_EXAMPLES` (0, the default, shows none; see
docs/prompts.md for what they did to the golden set's development part).
The platform's examples come from the golden set's development part only
(`manage.py eval fewshot`), never from its test part.
"""

import json
import math
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from prompts.models import FewShotExample
from prompts.taxonomy import product_query
from prompts.taxonomy_index import words

# Examples are read once a minute per process, not per job.
CACHE_SECONDS = 60.0
TEXT_LIMIT = 300  # characters of an example's text the prompt shows


@dataclass(frozen=True)
class Example:
    key: str
    text: str
    answer: Any
    terms: Counter[str]


_cache: dict[tuple[Any, str], tuple[float, list[Example]]] = {}


def examples_of(organization_id: Any, task_kind: str) -> list[Example]:
    cached = _cache.get((organization_id, task_kind))
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    rows = FewShotExample.objects.filter(task_kind=task_kind).filter(
        organization_id__in=[organization_id] if organization_id else []
    ) | FewShotExample.objects.filter(task_kind=task_kind, organization__isnull=True)
    examples = [Example(r.key, r.text, r.answer, Counter(words(r.text))) for r in rows.order_by("id")]
    _cache[(organization_id, task_kind)] = (time.monotonic(), examples)
    return examples


def examples_clear() -> None:
    _cache.clear()


def examples_similar(*, organization_id: Any, task_kind: str, parameters: dict[str, Any], k: int) -> list[Example]:
    """The k examples most similar to the job's input (fewer when fewer
    share a word with it)."""
    if k <= 0:
        return []
    pool = examples_of(organization_id, task_kind)
    if not pool:
        return []
    text = _text_of(parameters)
    query = product_query(parameters)
    documents = len(pool)
    frequency = Counter(term for example in pool for term in example.terms)

    def weight(term: str) -> float:
        return math.log((documents + 1) / (frequency.get(term, 0) + 1)) + 1.0

    def norm(terms: Counter[str]) -> float:
        return math.sqrt(sum((count * weight(t)) ** 2 for t, count in terms.items())) or 1.0

    query_norm = norm(query)
    scored = []
    for example in pool:
        if example.text.strip() == text:
            continue
        shared = set(query) & set(example.terms)
        if not shared:
            continue
        dot = sum(query[t] * example.terms[t] * weight(t) ** 2 for t in shared)
        scored.append((dot / (query_norm * norm(example.terms)), example.key, example))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [example for _, _, example in scored[:k]]


def _text_of(parameters: dict[str, Any]) -> str:
    return str(parameters.get("content", "")).strip()


def examples_block(examples: list[Example]) -> str:
    """The examples as the prompt shows them, before the job's own input."""
    if not examples:
        return ""
    parts = ["Examples of right answers for other products (not the product to answer for):"]
    for example in examples:
        text = example.text if len(example.text) <= TEXT_LIMIT else example.text[:TEXT_LIMIT].rsplit(" ", 1)[0]
        parts.append(f"Product: {text}\nAnswer: {json.dumps(example.answer, ensure_ascii=False)}")
    return "\n\n".join(parts) + "\n\nNow the product to answer for.\n\n"
