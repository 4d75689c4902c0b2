"""The golden set: labels built from records by the written rules, joined
with the records at import, and the committed labels current."""

import csv
import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from evals.datasets import dataset_import
from evals.golden import DEFAULT_DATA_DIR, LABELS_FILE, golden_rows, labels_read
from evals.labelling import enrichment_label, labels_build, taxonomy_label
from evals.sources import SOURCE_FILES, Record

pytestmark = pytest.mark.django_db
SPECS = '{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton"}, {"key"=>"Color", "value"=>"Red"}]}'


def write_sources(root):
    flipkart = root / SOURCE_FILES["flipkart"]
    flipkart.parent.mkdir(parents=True)
    with flipkart.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["uniq_id", "product_name", "product_category_tree", "description",
                                                    "brand", "product_specifications"])  # fmt: skip
        writer.writeheader()
        writer.writerow({"uniq_id": "f1", "product_name": "Acme Solid Women's Top", "brand": "Acme",
                         "product_category_tree": '["Clothing >> Women\'s Clothing >> Western Wear >> Shirts, Tops"]',
                         "description": "Key Features of Acme Solid Women's Top. Fabric: Cotton. A relaxed top for "
                                        "summer days with a round neck and short sleeves, easy to wash.",
                         "product_specifications": SPECS})  # fmt: skip
    for source in ("off", "obf"):
        path = root / SOURCE_FILES[source]
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            row = {"code": f"{source}1", "lang": "fr", "product_name": "Biscuits au beurre", "brands": "Breizh, Groupe",
                   "quantity": "200 g", "categories_tags": "['en:snacks', 'en:biscuits']",
                   "ingredients_text": "Farine de blé, beurre 20 %, sucre, œufs, sel, poudre à lever."}  # fmt: skip
            handle.write(json.dumps(row) + "\n")


def test_labels_follow_the_rules_and_import_joined_with_their_records(tmp_path):
    write_sources(tmp_path)
    labels = labels_build(tmp_path)
    by_key = {label["key"]: label for label in labels}
    enrichment = by_key["metadata_enrichment:flipkart:f1"]["expected"]["fields"]
    # Red is in the specifications but not in the listing's text: not stated, so null.
    assert enrichment == {"brand": "Acme", "material": "Cotton", "colour": None, "size": None}
    assert by_key["taxonomy_tagging:off:off1"]["expected"]["labels"] == [
        "Food, Beverages & Tobacco > Food Items > Snack Foods"]  # fmt: skip
    assert by_key["metadata_enrichment:off:off1"]["expected"]["fields"]["brand"] == "Breizh"  # first brand listed
    moderation = [label for label in labels if label["taskKind"] == "moderation_summary"]
    assert moderation and all(label["provenance"] == "synthetic" and label["addition"] for label in moderation)
    result = dataset_import(name="golden", kind="golden", lines=golden_rows(labels, tmp_path))
    item = result.dataset.items.get(key="taxonomy_tagging:flipkart:f1")
    assert "category" not in item.input.get("product", {})  # the answer never goes in
    assert item.source == {"source": "flipkart", "id": "f1", "file": "flipkart", "addition": False}
    synthetic = result.dataset.items.get(key=moderation[0]["key"])
    assert synthetic.input["content"].endswith(moderation[0]["addition"])


def test_taxonomy_rules_skip_categories_they_do_not_map():
    record = Record(source="flipkart", id="x", title="Ring", brand="", text="", locale="en",
                    category="Jewellery >> Rings >> Gold")  # fmt: skip
    assert taxonomy_label(record) is None
    assert enrichment_label(Record(source="flipkart", id="y", title="T", brand="", text="plain", locale="en")) is None


def test_a_missing_source_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is missing: get it from its upstream source"):
        call_command("eval", "import", "--dataset", "golden", "--kind", "golden", "--golden", "--data-dir",
                     str(tmp_path))  # fmt: skip


@pytest.mark.skipif(not (DEFAULT_DATA_DIR / SOURCE_FILES["flipkart"]).exists(), reason="../shared/data is absent")
def test_the_committed_labels_are_current_and_all_1000_import():
    labels = labels_read()
    assert labels == labels_build(DEFAULT_DATA_DIR), "rerun `manage.py eval golden-labels`"
    result = dataset_import(name="golden", kind="golden", lines=golden_rows(labels, DEFAULT_DATA_DIR))
    assert result.items == 1000 and len(result.by_task_kind) == 4
    synthetic = sum(label["provenance"] == "synthetic" for label in labels)
    assert synthetic / len(labels) <= 0.1  # mostly real records
    assert LABELS_FILE.exists()
