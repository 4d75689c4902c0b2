"""PERSON recall of the PII detector, and its false positives on product text.

Names are written the ways product content, reviews and support messages
carry them, one form at a time (titles, "name:" fields, greetings, "<Name>
wrote", bare names inside a sentence, lower case). A name counts as found
when PERSON findings cover every part of it that the sentence holds (a
first name redacted and a surname left in the clear is a miss). Two sets
(bench/pii_name_sets.py): `dev`, which the recognizers were tuned on, and
`heldout`, frozen before that tuning; quote the held-out figure.

False positives: every PERSON finding on real product descriptions (the
Flipkart sample in ../shared/data, when present) is counted, with the
record's own brand allowed (as the pipeline allows a job's declared
`product.brand`) and without. Rows 0-499 were used for tuning; rows 500
onward are held out and reported separately.

    .venv/bin/python bench/pii_name_recall.py [--set dev|heldout|all] [--show N]
"""

import argparse
import csv
import math
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

from pii_name_sets import SETS
from stack import setup_django

SHARED_DATA = Path(os.environ.get("BEACON_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared/data"))
FLIPKART = SHARED_DATA / "flipkart-products-sample/flipkart_com-ecommerce_sample.first999.csv"
TUNING_ROWS = 500


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if total == 0:
        return 0.0, 0.0
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def percent(hits: int, total: int) -> str:
    low, high = wilson(hits, total)
    return f"{hits}/{total} = {100 * hits / max(total, 1):5.1f}% [{100 * low:.1f}, {100 * high:.1f}]"


def person_spans(text: str, allow: list[str] | None = None) -> list[tuple[int, int]]:
    from safety.pii import detect

    return [(r.start, r.end) for r in detect(text, allow=allow) if r.entity_type == "PERSON"]


def recall(name_set: str) -> None:
    first_names, last_names, forms = SETS[name_set]
    rng = random.Random(5)
    found: dict[str, list[bool]] = defaultdict(list)
    for form, templates in forms.items():
        for template in templates:
            for _ in range(10):
                first, last = rng.choice(first_names), rng.choice(last_names)
                text = template.format(f=first, l=last, fl=first.lower(), ll=last.lower())
                parts = []
                if "{f}" in template or "{fl}" in template:
                    parts.append(text.lower().index(first.lower()))
                if "{l}" in template or "{ll}" in template:
                    parts.append(text.lower().index(last.lower(), parts[0] + 1 if parts else 0))
                spans = person_spans(text)
                found[form].append(all(any(s <= part < e for s, e in spans) for part in parts))
    total = [hit for hits in found.values() for hit in hits]
    print(f"PERSON recall, {name_set} set: {percent(sum(total), len(total))}")
    for form, hits in found.items():
        print(f"  {form:15s} {percent(sum(hits), len(hits))}")


def false_positives(show: int) -> None:
    if not FLIPKART.exists():
        print(f"product text: {FLIPKART} not present; false positives not measured")
        return
    csv.field_size_limit(sys.maxsize)
    with FLIPKART.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for part, chosen in (("tuning rows 0-499", rows[:TUNING_ROWS]), ("held-out rows 500+", rows[TUNING_ROWS:])):
        for allowed in (True, False):
            flagged, findings, words, examples = 0, 0, 0, []
            for row in chosen:
                text = f"{row['product_name']}. {row['description']}"
                brand = row["brand"].strip()
                spans = person_spans(text, allow=[brand] if allowed and brand else None)
                words += len(text.split())
                findings += len(spans)
                flagged += bool(spans)
                examples += [text[max(0, s - 30) : e + 30].replace("\n", " ") for s, e in spans]
            label = "brand allowed" if allowed else "no allow-list"
            print(
                f"product text, {part}, {label}: descriptions with a PERSON finding {percent(flagged, len(chosen))}; "
                f"{findings} findings, {1000 * findings / max(words, 1):.2f} per 1,000 words"
            )
            for example in examples[:show] if part.startswith("tuning") else []:
                print(f"    ...{example}...")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--show", type=int, default=0, help="print N false-positive contexts from the tuning rows")
    args = parser.parse_args()
    setup_django()
    for name_set in ["dev", "heldout"] if args.set == "all" else [args.set]:
        recall(name_set)
    false_positives(args.show)


if __name__ == "__main__":
    main()
