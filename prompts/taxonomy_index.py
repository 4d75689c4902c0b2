"""Retrieval over a taxonomy, helped by the Shopify taxonomy's vocabulary.

A category's own path is a few words ("Shoes", "Hair Care"); a product says
"boots", "shampooing", "jeans". When the Shopify Standard Product Taxonomy is
installed (BEACON_SHOPIFY_TAXONOMY_DIR, read in place), every Shopify
category in English, French, German and Spanish becomes a document, and each
belongs to the organization's category it falls under: the nearest of its
own path and its ancestors' that names an organization category (by full
path, else by its last part), else the one organization category that
shares the longest start of its path. A category then scores as its best document, so "Snow
Boots" counts for "Apparel & Accessories > Shoes" and "Shampoo" (or
"Shampooing") for "Hair Care".

Scoring is BM25 (k1 1.2, b 0.75) over words, the last part of a path
counting twice; an inverted index keeps a query's cost to the postings of
its own words. Without the Shopify data, each category is its own document.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

SEPARATOR = " > "
LANGUAGES = ("en", "fr", "de", "es")
STOP = {
    "and",
    "the",
    "for",
    "with",
    "other",
    "accessories",
    "supplies",
    "und",
    "les",
    "des",
    "pour",
    "et",
    "de",
    "la",
    "le",
    "du",
    "para",
    "los",
    "las",
    "con",
    "der",
    "die",
    "das",
    "mit",
    "für",
    "y",
    "en",
}
K1, B = 1.2, 0.75
LINE = re.compile(r"^(?P<gid>\S+)\s*:\s*(?P<path>.+?)\s*$")


# Plurals in -ves whose singular ends in -f or -fe ("scarves" is a scarf);
# other -ves words ("gloves", "sleeves", "olives") lose their "s" as usual.
F_PLURALS = {
    "scarves": "scarf", "shelves": "shelf", "knives": "knife", "leaves": "leaf", "halves": "half",
    "wolves": "wolf", "loaves": "loaf", "calves": "calf", "hooves": "hoof", "wives": "wife", "lives": "life",
}  # fmt: skip


def stem(word: str) -> str:
    """A plural's singular, roughly ("shirts" -> "shirt", "dresses" -> "dress")."""
    if word in F_PLURALS:
        return F_PLURALS[word]
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) > 2 and w not in STOP]


def path_terms(path: str) -> list[str]:
    return words(path) + words(path.split(SEPARATOR)[-1])


@cache
def shopify_paths() -> dict[str, dict[str, str]]:
    """Shopify gid -> {language: path}; empty without the data."""
    root = Path(settings.BEACON_SHOPIFY_TAXONOMY_DIR) / "dist"
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for language in LANGUAGES:
        path = root / language / "categories.txt"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                match = LINE.match(line)
                if match is not None and not line.startswith("#"):
                    found[match["gid"]][language] = match["path"]
    return {gid: paths for gid, paths in found.items() if "en" in paths}


def _owner_of(
    english: str, categories: list[list[str]], by_path: dict[str, int], by_leaf: dict[str, list[int]]
) -> tuple[int, float] | None:
    parts = english.split(SEPARATOR)
    for depth in range(len(parts), 0, -1):
        prefix = SEPARATOR.join(parts[:depth])
        if prefix in by_path:
            return by_path[prefix], NAMED
        leaf = parts[depth - 1].lower()
        if len(by_leaf.get(leaf, [])) == 1:
            return by_leaf[leaf][0], NAMED
    # Else the one category sharing the longest start of the path.
    shared = [_common(parts, other) for other in categories]
    longest = max(shared, default=0)
    return (shared.index(longest), NEIGHBOUR) if longest and shared.count(longest) == 1 else None


# A document that names its category (path or last part) counts fully; one
# that only shares the start of a path with it (a sibling subtree) less.
NAMED, NEIGHBOUR = 1.0, 0.6


def _common(one: list[str], other: list[str]) -> int:
    count = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        count += 1
    return count


@dataclass
class TaxonomyIndex:
    categories: list[str]
    owners: list[int]  # document -> category
    trust: list[float]  # how surely the document belongs to its category
    postings: dict[str, list[tuple[int, int]]]  # term -> (document, count)
    lengths: list[int]
    idf: dict[str, float]
    languages: list[str]  # document -> its language ("en" for the taxonomy's own paths)

    @property
    def average_length(self) -> float:
        return sum(self.lengths) / max(1, len(self.lengths))

    def rank(self, query: Counter[str], limit: int, languages: frozenset[str] | None = None) -> list[tuple[str, float]]:
        """The best `limit` categories with their BM25 scores, best first;
        `languages`: only documents in these (None: all). A word of one
        language is often another's ("red" is Spanish for network), so a
        product is matched in its own language and English."""
        scores: dict[int, float] = defaultdict(float)
        average = self.average_length
        for term, wanted in query.items():
            weight = self.idf.get(term)
            if weight is None:
                continue
            for document, count in self.postings[term]:
                if languages is not None and self.languages[document] not in languages:
                    continue
                saturation = count * (K1 + 1) / (count + K1 * (1 - B + B * self.lengths[document] / average))
                scores[document] += weight * saturation * wanted
        best: dict[int, float] = {}
        for document, score in scores.items():
            owner = self.owners[document]
            best[owner] = max(best.get(owner, 0.0), score * self.trust[document])
        ranked = sorted(best.items(), key=lambda item: (-item[1], len(self.categories[item[0]]), item[0]))
        return [(self.categories[owner], round(score, 4)) for owner, score in ranked[:limit]]


def index_build(categories: list[str]) -> TaxonomyIndex:
    documents: list[tuple[int, list[str]]] = [(owner, path_terms(path)) for owner, path in enumerate(categories)]
    trust = [NAMED] * len(documents)
    languages = ["en"] * len(documents)
    by_path = {path: owner for owner, path in enumerate(categories)}
    by_leaf: dict[str, list[int]] = defaultdict(list)
    for owner, path in enumerate(categories):
        by_leaf[path.split(SEPARATOR)[-1].lower()].append(owner)
    split = [path.split(SEPARATOR) for path in categories]
    for paths in shopify_paths().values():
        found = _owner_of(paths["en"], split, by_path, by_leaf)
        if found is None:
            continue
        owner, belief = found
        for language, path in paths.items():
            documents.append((owner, path_terms(path)))
            trust.append(belief)
            languages.append(language)
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    frequency: Counter[str] = Counter()
    for number, (_, terms) in enumerate(documents):
        counts = Counter(terms)
        frequency.update(counts.keys())
        for term, count in counts.items():
            postings[term].append((number, count))
    total = len(documents)
    idf = {term: math.log(1 + (total - seen + 0.5) / (seen + 0.5)) for term, seen in frequency.items()}
    return TaxonomyIndex(
        categories,
        [owner for owner, _ in documents],
        trust,
        dict(postings),
        [len(terms) for _, terms in documents],
        idf,
        languages,
    )


# Shopify's attribute names that Beacon calls otherwise.
BEACON_NAMES = {"color": "colour", "fabric": "material"}


def _beacon_key(friendly_id: str) -> str:
    """`color` -> `colour`; any kind of material or fabric (`jewelry_material`,
    `upper_material`) -> `material`; any colour (`frame_color`) -> `colour`."""
    if "material" in friendly_id or "fabric" in friendly_id:
        return "material"
    if friendly_id.endswith("color"):
        return "colour"
    return BEACON_NAMES.get(friendly_id, friendly_id)


@cache
def shopify_category_attributes() -> dict[str, tuple[str, ...]]:
    """Shopify category path (English) -> its attributes as Beacon names
    (`colour`, `material`, `sleeve_length_type`, ...); empty without the data."""
    folder = Path(settings.BEACON_SHOPIFY_TAXONOMY_DIR) / "data" / "categories"
    if not folder.is_dir():
        return {}
    import yaml  # only here: the YAML is read once, when the data is installed

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    nodes: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            for node in yaml.load(handle, Loader=loader) or []:  # noqa: S506 - a safe loader
                nodes[node["id"]] = node
    parent = {child: node_id for node_id, node in nodes.items() for child in node.get("children") or []}

    def full(node_id: str) -> str:
        names: list[str] = []
        current: str | None = node_id
        while current is not None:
            names.append(nodes[current]["name"])
            current = parent.get(current)
        return SEPARATOR.join(reversed(names))

    found = {}
    for node_id, node in nodes.items():
        keys = dict.fromkeys(_beacon_key(str(a)) for a in node.get("attributes") or [])
        found[full(node_id)] = tuple(keys)
    return found


@cache
def shopify_index() -> TaxonomyIndex | None:
    paths = sorted(shopify_category_attributes())
    return index_build(paths) if paths else None


# A short text can rank a neighbour first ("Blue cotton shirt" -> Cotton
# Balls); the attributes of the best few together are the safer set.
CATEGORY_VOTES = 3
# Colour words describe a product, they do not name its kind: "White
# chocolate cookies" are not "White Coats".
COLOUR_WORDS = frozenset(
    words("white black red blue green yellow pink purple orange brown grey gray beige navy gold silver")
    + words("blanc noir rouge bleu vert jaune rose weiss schwarz blanco negro")
)


def product_category(text_words: Counter[str]) -> tuple[str, tuple[str, ...]] | None:
    """The Shopify category a product's words rank first, with the
    attributes of the best CATEGORY_VOTES categories together; None without
    the data or without a match."""
    index = shopify_index()
    if index is None:
        return None
    query = Counter({word: count for word, count in text_words.items() if word not in COLOUR_WORDS})
    ranked = [(path, score) for path, score in index.rank(query, CATEGORY_VOTES) if score > 0]
    if not ranked:
        return None
    attributes = shopify_category_attributes()
    union = dict.fromkeys(name for path, _ in ranked for name in attributes[path])
    return ranked[0][0], tuple(union)
