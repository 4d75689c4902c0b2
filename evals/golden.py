"""The golden set: labels kept in the repository, joined with the public
product records (evals/sources.py) at import time.

`evals/data/golden/labels.jsonl` holds one label per line: the item's key,
task kind, the record it is about (source and id), the expected answer, tags,
provenance and, for the few synthetic moderation items, the sentence added
to the real listing. `golden_rows` builds each item's job input from its
record, deterministically, so the same labels and files always give the same
dataset.

How the labels were made (evals/labelling.py writes them; docs/evaluation.md
has the audit):

- metadata_enrichment: brand, material, colour and size from the record's
  curated fields (Flipkart's seller specifications, Open Facts' brand and
  quantity), kept only where the listing's text states them; otherwise the
  expected value is null ("not stated").
- product_description: reference facts (brand, colour, material, quantity)
  that the generated copy may state; any other checkable claim must come from
  the source.
- taxonomy_tagging: the demo taxonomy's path for the record's own category
  (Flipkart's category tree, Open Facts' category tags) by a written mapping.
- moderation_summary: real listings that a reviewer read as clean are
  `allow`/`none`; a minority get one violating sentence added (spam, personal
  data, misleading health claims, illegal goods) and expect a non-allow
  verdict with that category.
"""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from evals.sources import Record, all_records

LABELS_FILE = Path(settings.BASE_DIR) / "evals" / "data" / "golden" / "labels.jsonl"
DEFAULT_DATA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data"
CONTENT_LIMIT = 3000
SPEC_LIMIT = 12


def listing_text(record: Record) -> str:
    """What a merchant would send as the listing: Flipkart's own description;
    for Open Facts records, their fields written out as a short listing."""
    if record.source == "flipkart":
        return record.text[:CONTENT_LIMIT]
    parts = [record.title, record.brand, record.quantity]
    head = ". ".join(p for p in parts if p)
    return f"{head}. Ingredients: {record.text}"[:CONTENT_LIMIT] if record.text else head


def job_input(record: Record, task_kind: str, *, tier: str, addition: str = "") -> dict[str, Any]:
    """The job parameters for `record` under `task_kind`. The record's own
    category never goes in: for tagging it is the answer."""
    content = listing_text(record)
    if addition:
        content = f"{content} {addition}"
    parameters: dict[str, Any] = {"content": content, "locale": record.locale, "customer_tier": tier}
    if task_kind == "product_description":
        attributes = dict(list(record.specs.items())[:SPEC_LIMIT])
        if record.quantity:
            attributes["quantity"] = record.quantity
        parameters["product"] = {
            "title": record.title[:500],
            "brand": record.brand[:200],
            "attributes": {k[:100]: v[:200] for k, v in attributes.items()},
        }
    elif task_kind in ("metadata_enrichment", "taxonomy_tagging"):
        parameters["product"] = {"title": record.title[:500]}
    return parameters


def golden_rows(labels: Iterable[dict[str, Any]], data_dir: Path) -> Iterator[str]:
    """Dataset lines (evals/datasets.py's format) from labels and the records
    they name. A label whose record is gone is reported by the import as a
    bad line rather than skipped."""
    records = all_records(data_dir)
    for label in labels:
        where = label.get("record") or {}
        record = records.get(where.get("source", ""), {}).get(str(where.get("id")))
        if record is None:
            yield json.dumps(
                {
                    "key": label.get("key"),
                    "taskKind": label.get("taskKind"),
                    "input": None,
                    "provenance": label.get("provenance"),
                }
            )
            continue
        tags = label.get("tags") or {}
        parameters = job_input(
            record, label["taskKind"], tier=tags.get("tier", "standard"), addition=label.get("addition", "")
        )
        yield json.dumps(
            {
                "key": label["key"],
                "taskKind": label["taskKind"],
                "input": parameters,
                "expected": label["expected"],
                "tags": tags,
                "provenance": label["provenance"],
                "source": {**where, "file": record.source, "addition": bool(label.get("addition"))},
            },
            ensure_ascii=False,
        )


def labels_read(path: Path = LABELS_FILE) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def golden_split_groups() -> dict[str, tuple[str, str]]:
    """Item key -> (category, sentence) for the synthetic items: the
    development and test parts are split by sentence (evals/splits.py)."""
    groups = {}
    for label in labels_read():
        if label.get("addition"):
            category = ",".join(label["expected"].get("categories") or [])
            groups[label["key"]] = (category, label["addition"])
    return groups
