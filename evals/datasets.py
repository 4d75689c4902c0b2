"""Import and export evaluation datasets as JSONL.

One object per line: `key`, `taskKind`, `input` (job parameters, checked
against the task kind's input schema), `expected`, `tags`, `provenance`,
`source`. An import creates the next version of the named dataset in one
transaction, or nothing: every bad line is reported with its number.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max

from evals.models import EvalDataset, EvalItem, Provenance
from prompts.task_kinds import task_kinds


class DatasetError(Exception):
    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass
class ImportResult:
    dataset: EvalDataset
    items: int
    by_task_kind: dict[str, int] = field(default_factory=dict)


def _item_from(line_number: int, row: Any) -> tuple[EvalItem | None, list[str]]:
    where = f"line {line_number}"
    if not isinstance(row, dict):
        return None, [f"{where}: not a JSON object"]
    problems = []
    kind = task_kinds().get(str(row.get("taskKind")))
    if kind is None:
        problems.append(f"{where}: unknown taskKind {row.get('taskKind')!r}")
    if not row.get("key"):
        problems.append(f"{where}: no key")
    if row.get("provenance") not in Provenance.values:
        problems.append(f"{where}: provenance must be one of {', '.join(Provenance.values)}")
    parameters = row.get("input")
    if kind is not None:
        for error in kind.input_validator.iter_errors(parameters):
            location = "/".join(str(p) for p in error.absolute_path) or "input"
            problems.append(f"{where}: input {location}: {error.message}")
    if problems:
        return None, problems
    item = EvalItem(
        key=str(row["key"]),
        task_kind=kind.name if kind else "",
        input=parameters,
        expected=row.get("expected") or {},
        tags=row.get("tags") or {},
        provenance=row["provenance"],
        source=row.get("source") or {},
    )
    return item, []


def dataset_import(*, name: str, kind: str, lines: Iterable[str], description: str = "") -> ImportResult:
    items: list[EvalItem] = []
    problems: list[str] = []
    keys: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc.msg})")
            continue
        item, found = _item_from(number, row)
        problems += found
        if item is not None:
            if item.key in keys:
                problems.append(f"line {number}: key {item.key!r} appears twice")
            keys.add(item.key)
            items.append(item)
    if problems:
        raise DatasetError(f"{len(problems)} problem(s); nothing was imported", problems=problems)
    if not items:
        raise DatasetError("the file holds no items")
    with transaction.atomic():
        latest = EvalDataset.objects.select_for_update().filter(name=name).aggregate(v=Max("version"))["v"] or 0
        dataset = EvalDataset.objects.create(name=name, version=latest + 1, kind=kind, description=description)
        for item in items:
            item.dataset = dataset
        EvalItem.objects.bulk_create(items, batch_size=500)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.task_kind] = counts.get(item.task_kind, 0) + 1
    return ImportResult(dataset=dataset, items=len(items), by_task_kind=counts)


def dataset_get(name: str, version: int | None = None) -> EvalDataset:
    """A dataset by name, its latest version unless one is given."""
    datasets = EvalDataset.objects.filter(name=name)
    dataset = datasets.filter(version=version).first() if version else datasets.order_by("-version").first()
    if dataset is None:
        raise DatasetError(f"no dataset {name!r}" + (f" version {version}" if version else ""))
    return dataset


def dataset_export(dataset: EvalDataset) -> Iterator[str]:
    for item in dataset.items.order_by("id").iterator(chunk_size=500):
        row = {
            "key": item.key,
            "taskKind": item.task_kind,
            "input": item.input,
            "expected": item.expected,
            "tags": item.tags,
            "provenance": item.provenance,
            "source": item.source,
        }
        yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def adversarial_rows(cases: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The adversarial set (safety/data/adversarial) in the dataset format."""
    for case in cases:
        yield (
            json.dumps(
                {
                    "key": case["id"],
                    "taskKind": case["task_kind"],
                    "input": case["parameters"],
                    "expected": {"successMarkers": case["success_markers"], "leakCounts": case["leak_counts"]},
                    "tags": {
                        "technique": case["technique"],
                        "language": case["language"],
                        "encoding": case["encoding"],
                        "carrier": case["carrier"],
                        "locale": case["parameters"]["locale"],
                        "tier": case["parameters"].get("customer_tier", "standard"),
                        # The fresh set is split by written wording (evals/splits.py).
                        **({"phrasing": case["phrasing"]} if "phrasing" in case else {}),
                    },
                    "provenance": "synthetic",
                    "source": {"builder": case["provenance"]},
                },
                ensure_ascii=False,
            )
            + "\n"
        )
