"""Attribute lexicons: the values an attribute can take, by attribute name.

Read from the Shopify Standard Product Taxonomy's attribute values
(`dist/en/attribute_values.txt`, `{gid} : {value} [{attribute}]`) under
BEACON_SHOPIFY_TAXONOMY_DIR, in place, once per process. Without that folder
a small built-in lexicon keeps colours, materials and sizes working, so the
project runs on a machine that has none of the data.

Beacon's attribute names are snake_case (`colour`, `material`, `size`,
`sleeve_length_type`); a few of Beacon's names read several Shopify
attributes (`material` is Shopify's Material and Fabric).
"""

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.conf import settings

BUILT_IN: dict[str, tuple[str, ...]] = {
    "colour": (
        "Beige",
        "Black",
        "Blue",
        "Bronze",
        "Brown",
        "Clear",
        "Gold",
        "Gray",
        "Grey",
        "Green",
        "Maroon",
        "Multicolor",
        "Multicolour",
        "Navy",
        "Navy Blue",
        "Orange",
        "Pink",
        "Purple",
        "Red",
        "Rose gold",
        "Silver",
        "Tan",
        "Taupe",
        "White",
        "Yellow",
        "Cream",
        "Ivory",
        "Khaki",
        "Olive",
        "Turquoise",
        "Violet",
        "Magenta",
    ),
    "material": (
        "Acrylic",
        "Aluminium",
        "Aluminum",
        "Bamboo",
        "Brass",
        "Canvas",
        "Cashmere",
        "Ceramic",
        "Copper",
        "Cotton",
        "Denim",
        "Faux leather",
        "Felt",
        "Fleece",
        "Glass",
        "Gold",
        "Jute",
        "Leather",
        "Linen",
        "Lycra",
        "Mesh",
        "Nylon",
        "Plastic",
        "Polyester",
        "Porcelain",
        "Rayon",
        "Rubber",
        "Silicone",
        "Silk",
        "Silver",
        "Stainless steel",
        "Steel",
        "Suede",
        "Synthetic",
        "Synthetic leather",
        "Velvet",
        "Viscose",
        "Wood",
        "Wool",
    ),
    "size": (
        "XXS",
        "XS",
        "S",
        "M",
        "L",
        "XL",
        "XXL",
        "XXXL",
        "2XL",
        "3XL",
        "Small",
        "Medium",
        "Large",
        "Extra Large",
        "Free Size",
        "King",
        "Queen",
        "Single",
        "Double",
        "A3",
        "A4",
        "A5",
    ),
}
# Beacon's name -> the Shopify attributes whose values it takes.
SHOPIFY_NAMES = {"colour": ("Color",), "material": ("Material", "Fabric"), "size": ("Size",)}
# Shopify's "Size" values are bare numbers; a number alone is not a size
# (it is a price, a count, a year), so sizes come from the built-in letters
# and the size patterns (validation/candidates.py) instead.
NOT_FROM_SHOPIFY = frozenset({"size"})
LINE = re.compile(r"^\S+\s*:\s*(?P<value>.+?)\s*\[(?P<attribute>[^\]]+)\]\s*$")


def attribute_key(name: str) -> str:
    """`Sleeve length type` -> `sleeve_length_type`; `color` -> `colour`."""
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    return "colour" if key == "color" else key


def shopify_dir() -> Path:
    return Path(settings.BEACON_SHOPIFY_TAXONOMY_DIR)


@cache
def shopify_values() -> dict[str, tuple[str, ...]]:
    """Shopify attribute name -> its values; empty when the data is absent."""
    path = shopify_dir() / "dist" / "en" / "attribute_values.txt"
    if not path.is_file():
        return {}
    values: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            match = LINE.match(line)
            if match is not None:
                values.setdefault(match["attribute"], []).append(match["value"])
    return {name: tuple(found) for name, found in values.items()}


@cache
def lexicon(name: str) -> tuple[str, ...]:
    """The known values of a Beacon attribute, built-in first."""
    key = attribute_key(name)
    found = list(BUILT_IN.get(key, ()))
    if key not in NOT_FROM_SHOPIFY:
        shopify = shopify_values()
        sources = SHOPIFY_NAMES.get(key) or tuple(n for n in shopify if attribute_key(n) == key)
        for source in sources:
            found += shopify.get(source, ())
    seen: set[str] = set()
    unique = []
    for value in found:
        if value.lower() not in seen and value.lower() != "other":
            seen.add(value.lower())
            unique.append(value)
    return tuple(unique)


def lexicon_source() -> str:
    return "shopify" if shopify_values() else "built-in"


def lexicons_preload(names: Iterable[str]) -> int:
    """Build the lexicons of `names` now (a worker's parent process does, so
    that forked processes share them instead of each building its own
    inside a job); returns how many."""
    return sum(1 for name in names if lexicon(name) is not None)
