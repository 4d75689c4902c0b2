"""The public product records the golden set is labelled on, read in place.

The repository keeps labels with record ids, never the records: a user gets
the files from their upstream sources (each folder's PROVENANCE.md) and
points `--data-dir` at them. Each source is one file:

| source   | file (under the data folder)                                            | license      | id       |
|----------|-------------------------------------------------------------------------|--------------|----------|
| flipkart | flipkart-products-sample/flipkart_com-ecommerce_sample.first999.csv     | CC BY-SA 4.0 | uniq_id  |
| off      | open-food-facts-test-exports/openfoodfacts-products-min.jsonl.gz        | ODbL 1.0     | code     |
| obf      | open-food-facts-test-exports/openbeautyfacts-products-min.jsonl.gz      | ODbL 1.0     | code     |
"""

import csv
import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SOURCE_FILES = {
    "flipkart": "flipkart-products-sample/flipkart_com-ecommerce_sample.first999.csv",
    "off": "open-food-facts-test-exports/openfoodfacts-products-min.jsonl.gz",
    "obf": "open-food-facts-test-exports/openbeautyfacts-products-min.jsonl.gz",
}
# Flipkart's specifications are a Ruby hash dump: {"key"=>"Fabric", "value"=>"Cotton"}.
SPEC = re.compile(r'\{"key"=>"(?P<key>[^"]*)", "value"=>"(?P<value>[^"]*)"\}')


class SourceMissing(Exception):
    """A source file is not under the data folder."""


@dataclass(frozen=True)
class Record:
    source: str
    id: str
    title: str
    brand: str
    text: str  # the listing's prose (Flipkart) or its ingredients (Open Food/Beauty Facts)
    locale: str
    category: str = ""  # the source's own category path: a label, never put in a job's input
    specs: dict[str, str] = field(default_factory=dict)
    quantity: str = ""


def _flipkart(path: Path) -> dict[str, Record]:
    records = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            tree = json.loads(row["product_category_tree"] or "[]")
            specs = {m["key"].strip(): m["value"].strip() for m in SPEC.finditer(row["product_specifications"])}
            records[row["uniq_id"]] = Record(
                source="flipkart",
                id=row["uniq_id"],
                title=row["product_name"].strip(),
                brand=row["brand"].strip(),
                text=row["description"].strip(),
                locale="en",
                category=tree[0] if tree else "",
                specs=specs,
            )
    return records


def _open_facts(path: Path, source: str) -> dict[str, Record]:
    records = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            lang = str(row.get("lang") or "en")
            if not re.fullmatch(r"[a-z]{2}", lang):
                continue
            text = row.get(f"ingredients_text_{lang}") or row.get("ingredients_text") or ""
            title = row.get(f"product_name_{lang}") or row.get("product_name") or ""
            records[str(row["code"])] = Record(
                source=source,
                id=str(row["code"]),
                title=str(title).strip(),
                brand=str(row.get("brands") or "").strip(),
                text=str(text).strip(),
                locale=lang,
                category=str(row.get("categories_tags") or ""),
                quantity=str(row.get("quantity") or "").strip(),
            )
    return records


def source_records(data_dir: Path, source: str) -> dict[str, Record]:
    path = data_dir / SOURCE_FILES[source]
    if not path.exists():
        raise SourceMissing(f"{path} is missing: get it from its upstream source (see docs/evaluation.md)")
    return _flipkart(path) if source == "flipkart" else _open_facts(path, source)


def all_records(data_dir: Path) -> dict[str, dict[str, Record]]:
    return {source: source_records(data_dir, source) for source in SOURCE_FILES}


def as_dict(record: Record) -> dict[str, Any]:
    return {"source": record.source, "id": record.id}
