"""What finding person names without a spaCy NER pipeline costs.

No English spaCy pipeline installs from PyPI here, so Presidio runs on a blank
tokenizer and Beacon's own PERSON patterns (titles, "name:" fields,
greetings and sign-offs, "<Name> wrote/ordered ...") stand in for NER. This
measures their recall on names written the ways product content and reviews
carry them, one form at a time, including the forms the patterns cannot see
(a bare name inside a sentence) which is where an NER model would earn its
keep. A name counts as found when a PERSON finding covers it.

    .venv/bin/python bench/pii_name_recall.py
"""

import random
from collections import defaultdict

from stack import setup_django

FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Lukas",
    "Chen",
    "Sofia",
    "Olivier",
    "Priya",
    "Mateo",
    "Hannah",
    "Kwame",
    "Elena",
    "Tomasz",
    "Yuki",
    "Fatima",
    "Liam",
    "Ingrid",
    "Rahul",
    "Chloe",
    "Diego",
]
LAST = [
    "Garcia",
    "Smith",
    "Okafor",
    "Becker",
    "Wang",
    "Rossi",
    "Dubois",
    "Sharma",
    "Lopez",
    "Schmidt",
    "Mensah",
    "Petrova",
    "Nowak",
    "Tanaka",
    "Haddad",
    "Murphy",
    "Larsen",
    "Gupta",
    "Martin",
    "Fernandez",
]
FORMS = {
    "title": ["Delivered to Mr {f} {l} yesterday.", "Dr. {l} recommended this pillow.", "Ask Ms {f} {l} about sizes."],
    "field": ["Name: {f} {l}\nOrder 4471", "Customer: {f} {l}, order shipped.", "Reviewer: {f} {l}"],
    "greeting": ["Dear {f} {l}, your order is on its way.", "Hi {f}, thanks for the review!", "Thanks, {f} {l}"],
    "verb cue": [
        "{f} {l} wrote that the strap broke.",
        "{f} {l} ordered two of these.",
        "{f} {l} from Leeds says it fits well.",
    ],
    "bare in prose": [
        "My friend {f} {l} loves this kettle.",
        "Bought it for {f}, who uses it daily.",
        "The gift for {f} {l} arrived late.",
        "{f} says the colour is lovely.",
    ],
    "lower case": ["thanks to {fl} {ll} for the tip", "ordered by {fl} {ll} last week"],
}


def main() -> None:
    setup_django()
    from safety.pii import detect

    rng = random.Random(5)
    found: dict[str, list[bool]] = defaultdict(list)
    for form, templates in FORMS.items():
        for template in templates:
            for _ in range(10):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                text = template.format(f=first, l=last, fl=first.lower(), ll=last.lower())
                name = first.lower() if "{f}" in template or "{fl}" in template else last.lower()
                start = text.lower().index(name)
                covering = [r for r in detect(text) if r.entity_type == "PERSON" and r.start <= start < r.end]
                found[form].append(bool(covering))
    total = [hit for hits in found.values() for hit in hits]
    print(f"PERSON recall without NER: {sum(total)}/{len(total)} = {100 * sum(total) / len(total):.1f}%")
    for form, hits in found.items():
        print(f"  {form:15s} {sum(hits):3d}/{len(hits):3d} = {100 * sum(hits) / len(hits):5.1f}%")


if __name__ == "__main__":
    main()
