"""The platform's few-shot examples come from the development part only."""

import json

import pytest

from evals.datasets import dataset_import
from evals.fewshot import fewshot_load
from evals.splits import splits_assign
from prompts.models import FewShotExample

pytestmark = pytest.mark.django_db


def _row(key: str, kind: str, expected: dict) -> str:
    return json.dumps({"key": key, "taskKind": kind, "provenance": "curated_fields",
                       "input": {"content": f"Product {key}, cotton", "locale": "en-US"}, "expected": expected,
                       "tags": {"locale": "en-US"}, "source": {"id": key}})  # fmt: skip


def test_only_development_items_with_something_to_show_become_examples():
    rows = [_row(f"e{n}", "metadata_enrichment", {"fields": {"brand": f"B{n}", "colour": None}}) for n in range(40)]
    rows += [_row(f"t{n}", "taxonomy_tagging", {"labels": [f"Home > C{n}"]}) for n in range(20)]
    rows += [_row("empty", "metadata_enrichment", {"fields": {"brand": None}})]
    result = dataset_import(name="golden", kind="golden", lines=rows)
    counts = fewshot_load(dataset=result.dataset)
    keys = [(f"e{n}", "metadata_enrichment") for n in range(40)] + [(f"t{n}", "taxonomy_tagging") for n in range(20)]
    parts = splits_assign([(kind, key) for key, kind in keys] + [("metadata_enrichment", "empty")])
    examples = {e.key: e for e in FewShotExample.objects.all()}
    assert examples and all(parts[key] == "dev" for key in examples)  # never a test-part item
    assert "empty" not in examples  # nothing stated: nothing to show
    assert counts == {"metadata_enrichment": sum(1 for k, _ in keys[:40] if parts[k] == "dev"),
                      "taxonomy_tagging": sum(1 for k, _ in keys[40:] if parts[k] == "dev")}  # fmt: skip
    enrichment = next(e for e in examples.values() if e.task_kind == "metadata_enrichment")
    assert enrichment.answer == {"brand": f"B{enrichment.key[1:]}"}  # null fields left out
    fewshot_load(dataset=result.dataset)  # again: replaced, not doubled
    assert FewShotExample.objects.count() == len(examples)
