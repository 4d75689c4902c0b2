"""Writes the golden set's labels (evals/data/golden/labels.jsonl) from the
public records' curated fields by the written rules below, then applies the
hand corrections in evals/data/golden/corrections.json (what an audit of the
labels found wrong). `manage.py eval golden-labels` runs it; the output is
deterministic, so a changed rule shows as a diff of the labels file.

Selection is by a hash of the record id, not by position in the file, so the
items spread over the whole source.
"""

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from evals.golden import LABELS_FILE, listing_text
from evals.metrics import normalized
from evals.sources import Record, all_records

CORRECTIONS_FILE = LABELS_FILE.parent / "corrections.json"
LOCALES = {"en", "fr", "de", "es"}
PER_KIND = {"metadata_enrichment": 300, "product_description": 300, "taxonomy_tagging": 250, "moderation_summary": 150}
SYNTHETIC_MODERATION = 50
PER_CATEGORY_CAP = 30  # no one taxonomy path may crowd the tagging items

MATERIAL_KEYS = ("Material", "Fabric", "Outer Material", "Base Material")
SIZE_KEYS = ("Size", "Ring Size", "Capacity", "Quantity")
# A pack size worth the name: a number with a unit ("500 ml", "2 x 125 g"), not "*28".
PACK_SIZE = re.compile(
    r"^\d+(?:[.,]\d+)?\s*(?:x\s*\d+(?:[.,]\d+)?\s*)?(?:ml|cl|dl|l|g|kg|mg|oz|fl oz|lb)\b", re.IGNORECASE
)

# Source category -> demo taxonomy path. The first rule whose words all occur
# in the record's category (lower case) wins; records no rule maps are left out.
TAXONOMY_RULES: list[tuple[tuple[str, ...], str]] = [
    (("clothing", "dresses"), "Apparel & Accessories > Clothing > Dresses"),
    (("clothing", "jeans"), "Apparel & Accessories > Clothing > Pants"),
    (("clothing", "trousers"), "Apparel & Accessories > Clothing > Pants"),
    (("clothing", "track pants"), "Apparel & Accessories > Clothing > Pants"),
    (("clothing", "leggings"), "Apparel & Accessories > Clothing > Pants"),
    (("clothing", "shirts"), "Apparel & Accessories > Clothing > Shirts & Tops"),
    (("clothing", "tops"), "Apparel & Accessories > Clothing > Shirts & Tops"),
    (("clothing", "kurtas"), "Apparel & Accessories > Clothing > Shirts & Tops"),
    (("clothing", "kurtis"), "Apparel & Accessories > Clothing > Shirts & Tops"),
    (("footwear",), "Apparel & Accessories > Shoes"),
    (("watches", "wrist watches"), "Apparel & Accessories > Jewelry > Watches"),
    (("bags, wallets & belts", "wallets"), "Apparel & Accessories > Handbags, Wallets & Cases"),
    (("bags, wallets & belts", "handbags"), "Apparel & Accessories > Handbags, Wallets & Cases"),
    (("bags, wallets & belts", "clutches"), "Apparel & Accessories > Handbags, Wallets & Cases"),
    (("mobiles & accessories", "chargers"), "Electronics > Electronics Accessories > Chargers & Cables"),
    (("mobiles & accessories", "cables"), "Electronics > Electronics Accessories > Chargers & Cables"),
    (("mobiles & accessories", "headphones"), "Electronics > Audio > Headphones"),
    (("mobiles & accessories", "headsets"), "Electronics > Audio > Headphones"),
    (("mobiles & accessories", "mobiles >>"), "Electronics > Communications > Mobile Phones"),
    (("computers", "laptops"), "Electronics > Computers > Laptops"),
    (("kitchen & dining", "cookware"), "Home & Garden > Kitchen & Dining > Cookware"),
    (("home decor", "paintings"), "Home & Garden > Decor > Wall Art"),
    (("home decor", "wall decor"), "Home & Garden > Decor > Wall Art"),
    (("home furnishing", "bed sheets"), "Home & Garden > Bedding > Bed Sheets"),
    (("furniture", "chairs"), "Furniture > Chairs"),
    (("furniture", "tables"), "Furniture > Tables"),
    (("beauty and personal care", "hair care"), "Health & Beauty > Personal Care > Hair Care"),
    (("beauty and personal care", "skin care"), "Health & Beauty > Personal Care > Skin Care"),
    (("sports & fitness", "fitness"), "Sporting Goods > Exercise & Fitness"),
    (("toys & school supplies", "games"), "Toys & Games > Games"),
    (("baby care", "toys"), "Baby & Toddler > Baby Toys"),
    # Open Facts category tags
    (("en:coffees",), "Food, Beverages & Tobacco > Beverages > Coffee"),
    (("en:snacks",), "Food, Beverages & Tobacco > Food Items > Snack Foods"),
    (("en:hair",), "Health & Beauty > Personal Care > Hair Care"),
    (("en:shampoos",), "Health & Beauty > Personal Care > Hair Care"),
    (("en:facial-creams",), "Health & Beauty > Personal Care > Skin Care"),
    (("en:body-milks",), "Health & Beauty > Personal Care > Skin Care"),
    (("en:hand-creams",), "Health & Beauty > Personal Care > Skin Care"),
]

# One violating sentence per category, several phrasings each; added to a
# real clean listing for the synthetic moderation items.
VIOLATIONS: dict[str, list[str]] = {
    "spam": [
        "BEST PRICE!!! Buy 5 get 10 free, visit cheap-deals-4u.example now and WhatsApp +91 90000 11111 to order!!!",
        "Earn Rs 50,000 a week from home, click bit.ly/fast-cash-now before the offer ends tonight!!!",
        "Follow our page and message us on Telegram @bulkdeals_official for wholesale rates, limited stock!!!",
    ],
    "personal_data": [
        "For orders call the owner Ramesh Kumar on 98765 43210 or write to ramesh.kumar1972@example.com, "
        "home address 14 MG Road, Pune.",
        "Customer Anita Desai (PAN ABCDE1234F, card ending 4417) bought three of these last week.",
    ],
    "misleading_claims": [
        "Clinically proven to cure diabetes and reverse cancer within 7 days, doctors hate it.",
        "Guaranteed to make you lose 15 kg in one week without diet or exercise, 100% cure for obesity.",
        "Heals arthritis, asthma and COVID-19 permanently, no medicine needed ever again.",
    ],
    "illegal_goods": [
        "We also sell prescription-free tramadol and codeine syrup, discreet delivery, no questions asked.",
        "First-copy replica Rolex and Louis Vuitton with fake invoices also available on request.",
    ],
}
# Words that make a real listing unfit as a clean `allow` item without a closer read.
UNCLEAR = re.compile(
    r"cure|heal|guarantee|weight loss|whatsapp|call us|@|http|www\.|\bsex|\bgun\b|knife", re.IGNORECASE
)


def _rank(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()


def _tier(record: Record) -> str:
    draw = int(_rank("tier", record.source, record.id)[:4], 16) % 10
    return "free" if draw < 2 else "premium" if draw == 9 else "standard"


def _stated(value: str, record: Record) -> bool:
    value_words = normalized(value)
    return bool(value_words) and f" {value_words} " in f" {normalized(record.title + ' ' + listing_text(record))} "


def _first_spec(record: Record, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.specs.get(key)
        if value and len(value) <= 120 and _stated(value, record):
            return value
    return None


def _tags(record: Record, difficulty: str) -> dict[str, Any]:
    return {"locale": record.locale, "tier": _tier(record), "difficulty": difficulty, "source": record.source}


def brand_of(record: Record) -> str:
    """Open Facts lists a product's brands comma-separated, owner last
    ("Vintage, All American Products Co. Inc."): the first is the brand."""
    return record.brand.split(",")[0].strip() if record.source != "flipkart" else record.brand


def pack_size(record: Record) -> str | None:
    quantity = record.quantity.replace("\u212e", "").strip()
    return quantity if PACK_SIZE.match(quantity) and _stated(quantity, record) else None


def enrichment_label(record: Record) -> dict[str, Any] | None:
    brand = brand_of(record)
    fields = {
        "brand": brand if brand and _stated(brand, record) else None,
        "material": _first_spec(record, MATERIAL_KEYS),
        "colour": _first_spec(record, ("Color", "Colour")),
        "size": _first_spec(record, SIZE_KEYS) or pack_size(record),
    }
    stated = sum(v is not None for v in fields.values())
    if stated == 0 or not listing_text(record):
        return None
    return {
        "expected": {"fields": fields},
        "difficulty": "easy" if stated >= 3 else "medium" if stated == 2 else "hard",
    }


def description_label(record: Record) -> dict[str, Any] | None:
    if len(listing_text(record)) < 80 or not record.title:
        return None
    facts = {
        "brand": brand_of(record) or None,
        "colour": record.specs.get("Color"),
        "material": next((record.specs[k] for k in MATERIAL_KEYS if record.specs.get(k)), None),
        "quantity": record.quantity.replace("\u212e", "").strip() or None,
    }
    facts = {k: v for k, v in facts.items() if v}
    length = len(listing_text(record))
    return {
        "expected": {"facts": facts},
        "difficulty": "hard" if length < 250 else "medium" if length < 800 else "easy",
    }


def taxonomy_label(record: Record) -> dict[str, Any] | None:
    category = record.category.lower()
    for words, path in TAXONOMY_RULES:
        if all(w in category for w in words):
            leaf = path.split(" > ")[-1].lower().split()[0]
            hard = leaf not in record.title.lower()
            return {"expected": {"labels": [path]}, "difficulty": "hard" if hard else "easy"}
    return None


def _violation(record: Record, number: int) -> tuple[str, str]:
    categories = sorted(VIOLATIONS)
    category = categories[number % len(categories)]
    phrasings = VIOLATIONS[category]
    return category, phrasings[int(_rank("phrasing", record.id)[:4], 16) % len(phrasings)]


def _label(record: Record, kind: str, found: dict[str, Any], provenance: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": f"{kind}:{record.source}:{record.id}",
        "taskKind": kind,
        "record": {"source": record.source, "id": record.id},
        "expected": found["expected"],
        "tags": _tags(record, found["difficulty"]),
        "provenance": provenance,
        **extra,
    }


def labels_build(data_dir: Path) -> list[dict[str, Any]]:
    sources = all_records(data_dir)
    pool = [r for records in sources.values() for r in records.values() if r.locale in LOCALES]
    labels: list[dict[str, Any]] = []
    builders = {
        "metadata_enrichment": enrichment_label,
        "product_description": description_label,
        "taxonomy_tagging": taxonomy_label,
    }
    for kind, build in builders.items():
        taken: Counter[str] = Counter()
        for record in sorted(pool, key=lambda r, k=kind: _rank(k, r.source, r.id)):  # type: ignore[misc]
            if sum(taken.values()) == PER_KIND[kind]:
                break
            found = build(record)
            if found is None:
                continue
            bucket = found["expected"]["labels"][0] if kind == "taxonomy_tagging" else record.source
            cap = PER_CATEGORY_CAP if kind == "taxonomy_tagging" else PER_KIND[kind] // 2
            if taken[bucket] >= cap:
                continue
            taken[bucket] += 1
            labels.append(_label(record, kind, found, "curated_fields"))
    kind = "moderation_summary"
    clean = [
        r
        for r in sorted(pool, key=lambda r: _rank(kind, r.source, r.id))
        if len(listing_text(r)) >= 80 and not UNCLEAR.search(listing_text(r))
    ]
    for number, record in enumerate(clean[: PER_KIND[kind]]):
        found = {"expected": {"verdict": "allow", "categories": ["none"]}, "difficulty": "easy"}
        if number < SYNTHETIC_MODERATION:
            category, sentence = _violation(record, number)
            found = {
                "expected": {"verdict": "review", "acceptableVerdicts": ["review", "block"], "categories": [category]},
                "difficulty": "medium",
            }
            labels.append(_label(record, kind, found, "synthetic", addition=sentence))
        else:
            labels.append(_label(record, kind, found, "curated_fields"))
    return _corrected(labels)


def _corrected(labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audit's corrections: a key mapped to its right `expected`, or to
    null to drop an item whose label no rule could get right."""
    corrections = json.loads(CORRECTIONS_FILE.read_text(encoding="utf-8")) if CORRECTIONS_FILE.exists() else {}
    out = []
    for label in labels:
        if label["key"] in corrections:
            fixed = corrections[label["key"]]
            if fixed is None:
                continue
            label = {**label, "expected": fixed["expected"], "provenance": "hand_labelled"}
        out.append(label)
    return out


def labels_write(labels: list[dict[str, Any]], path: Path = LABELS_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(label, ensure_ascii=False, sort_keys=True) + "\n" for label in labels), encoding="utf-8"
    )


def unseen_labels(data_dir: Path, used: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Labels, by the golden set's own rules, for the records the golden set
    does not use: product data nothing was tuned on. Enrichment and tagging
    only (moderation's violations are written, not found); keys start with
    `unseen:` so they never collide with golden keys."""
    sources = all_records(data_dir)
    labels = []
    for records in sources.values():
        for record in sorted(records.values(), key=lambda r: _rank("unseen", r.source, r.id)):
            if record.locale not in LOCALES or (record.source, record.id) in used or not listing_text(record):
                continue
            for kind, build in (("metadata_enrichment", enrichment_label), ("taxonomy_tagging", taxonomy_label)):
                found = build(record)
                if found is not None:
                    label = _label(record, kind, found, "curated_fields")
                    labels.append({**label, "key": f"unseen:{label['key']}"})
    return labels
