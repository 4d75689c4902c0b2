"""Clean product text from ../shared/data, read in place: the false-positive
side of the injection defence (bench/injection_eval.py, the pattern gate in
evals/pattern_gate.py). Flipkart descriptions in English, Open Food Facts
and Open Beauty Facts ingredient texts in their own languages. None when the
data folder is not beside the repository.
"""

import csv
import gzip
import json
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def clean_records(limit: int, shared: Path = SHARED) -> list[dict]:
    """Clean product inputs read in place from ../shared/data (none when absent)."""
    records: list[dict] = []
    flipkart = shared / "flipkart-products-sample" / "flipkart_com-ecommerce_sample.first999.csv"
    if flipkart.exists():
        with flipkart.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["description"].strip():
                    records.append(
                        {
                            "source": "flipkart",
                            "locale": "en-US",
                            "content": row["description"][:4000],
                            "title": row["product_name"][:300],
                            "brand": row["brand"][:200],
                        }
                    )
    for name in ("openfoodfacts-products-min.jsonl.gz", "openbeautyfacts-products-min.jsonl.gz"):
        path = shared / "open-food-facts-test-exports" / name
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                lang = str(row.get("lang") or "en")
                text = row.get(f"ingredients_text_{lang}") or row.get("ingredients_text") or ""
                if len(text) > 20 and len(lang) == 2:
                    records.append(
                        {
                            "source": name.split("-")[0],
                            "locale": lang,
                            "content": text[:4000],
                            "title": str(row.get("product_name") or "")[:300],
                            "brand": str(row.get("brands") or "")[:200],
                        }
                    )
    return records[:limit]
