"""The platform's few-shot examples, from the golden set's development part.

`manage.py eval fewshot --dataset golden` replaces the platform's examples
(prompts.models.FewShotExample, organization empty) with the development
part's enrichment and tagging items and their labels, in the answer shape
the model gives for each kind. The test part is never read: its items are
what the figures are reported on.
"""

from typing import Any

from django.db import transaction

from evals.golden import golden_split_groups
from evals.models import EvalDataset
from evals.splits import splits_assign
from prompts.fewshot import examples_clear
from prompts.models import FewShotExample

KINDS = ("metadata_enrichment", "taxonomy_tagging")


def example_answer(task_kind: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The answer the model should give for a labelled item, or None when
    the label shows nothing to choose (no value stated, no category)."""
    if task_kind == "metadata_enrichment":
        stated = {name: value for name, value in (expected.get("fields") or {}).items() if value}
        return stated or None
    labels = expected.get("labels") or []
    return {"path": labels[0]} if labels else None


def fewshot_load(*, dataset: EvalDataset) -> dict[str, int]:
    items = list(dataset.items.filter(task_kind__in=KINDS))
    parts = splits_assign(((i.task_kind, i.key) for i in items), golden_split_groups())
    source = f"{dataset.name} v{dataset.version}, development part"
    examples = []
    for item in items:
        answer = example_answer(item.task_kind, item.expected)
        text = str(item.input.get("content", "")).strip()
        if parts[item.key] != "dev" or answer is None or not text:
            continue
        examples.append(FewShotExample(task_kind=item.task_kind, key=item.key, text=text, answer=answer, source=source))
    with transaction.atomic():
        FewShotExample.objects.filter(organization__isnull=True, task_kind__in=KINDS).delete()
        FewShotExample.objects.bulk_create(examples, batch_size=500)
    examples_clear()
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.task_kind] = counts.get(example.task_kind, 0) + 1
    return counts
