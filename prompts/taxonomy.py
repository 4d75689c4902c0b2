"""Taxonomies as data, and narrowing thousands of categories to a prompt's worth.

Import: the Shopify Standard Product Taxonomy, either its distribution file
(`dist/en/categories.txt`: `gid : A > B > C` per line) or its source folder
(`data/categories/*.yml`: nodes with `id`, `name`, `children`).

Narrowing: a prompt cannot list 10,000 categories, and constrained decoding
over them would be slow. A job's product text (content, title twice,
category, brand) is ranked against the taxonomy by BM25
(prompts/taxonomy_index.py, which borrows the Shopify taxonomy's words in
four languages for each category when it is installed), and the best
BEACON_TAXONOMY_CANDIDATES become the job's choices: listed in the prompt and
the only values its output schema allows. Word retrieval is cheap,
deterministic and explainable; it misses synonyms that no category name
carries, which is where embeddings would come in.
"""

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from prompts.models import Taxonomy, TaxonomyNode
from prompts.task_kinds import TASK_KINDS_DIR
from prompts.taxonomy_index import TaxonomyIndex, index_build, product_category, words

DEMO_FILE = TASK_KINDS_DIR / "taxonomy_tagging" / "demo_taxonomy.json"
SEPARATOR = " > "
LINE = re.compile(r"^(?P<gid>\S+)\s*:\s*(?P<path>.+?)\s*$")
STOP = {"and", "the", "for", "with", "other", "accessories", "supplies"}


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in STOP]


def _terms(path: str) -> str:
    leaf = path.split(SEPARATOR)[-1]
    return " ".join(_words(path) + _words(leaf))


@dataclass(frozen=True)
class Category:
    external_id: str
    path: str


def parse_shopify_text(lines: Iterable[str]) -> list[Category]:
    categories = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise ValueError(f"not a taxonomy line: {line[:80]!r}")
        categories.append(Category(match["gid"], match["path"]))
    return categories


def parse_shopify_yaml(folder: Path) -> list[Category]:
    nodes: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yml")):
        for node in yaml.safe_load(path.read_text()) or []:
            nodes[node["id"]] = node
    parent = {child: node_id for node_id, node in nodes.items() for child in node.get("children") or []}

    def full(node_id: str) -> str:
        names = []
        current: str | None = node_id
        while current is not None:
            names.append(nodes[current]["name"])
            current = parent.get(current)
        return SEPARATOR.join(reversed(names))

    return [Category(f"gid://shopify/TaxonomyCategory/{node_id}", full(node_id)) for node_id in nodes]


def read_taxonomy(source: Path) -> list[Category]:
    if source.is_dir():
        folder = source / "data" / "categories" if (source / "data" / "categories").is_dir() else source
        return parse_shopify_yaml(folder)
    if source.suffix == ".json":
        return [Category("", path) for path in json.loads(source.read_text())["categories"]]
    with source.open(encoding="utf-8") as handle:
        return parse_shopify_text(handle)


def taxonomy_import(*, categories: list[Category], name: str, source: str, organization: Any = None) -> Taxonomy:
    """Replace the organization's (or the platform default) taxonomy."""
    with transaction.atomic():
        taxonomy, _ = Taxonomy.objects.update_or_create(
            organization=organization, defaults={"name": name, "source": source}
        )
        taxonomy.nodes.all().delete()
        TaxonomyNode.objects.bulk_create(
            [
                TaxonomyNode(
                    taxonomy=taxonomy,
                    external_id=c.external_id,
                    path=c.path,
                    depth=c.path.count(SEPARATOR),
                    terms=_terms(c.path),
                )
                for c in categories
            ],
            batch_size=2000,
        )
        taxonomy.node_count = len(categories)
        taxonomy.save(update_fields=["node_count"])
    _index.cache_clear()
    return taxonomy


def demo_taxonomy_ensure() -> Taxonomy:
    existing = Taxonomy.objects.filter(organization__isnull=True).first()
    if existing is not None:
        return existing
    return taxonomy_import(categories=read_taxonomy(DEMO_FILE), name="Beacon demo taxonomy", source=str(DEMO_FILE))


@lru_cache(maxsize=32)
def _index(taxonomy_id: int, imported_at: str) -> TaxonomyIndex:
    """The taxonomy's retrieval index (cached per import)."""
    paths = list(TaxonomyNode.objects.filter(taxonomy_id=taxonomy_id).order_by("path").values_list("path", flat=True))
    return index_build(paths)


def taxonomy_for(organization_id: Any) -> Taxonomy | None:
    return (
        Taxonomy.objects.filter(organization_id=organization_id).first()
        or Taxonomy.objects.filter(organization__isnull=True).first()
    )


# The title names the product; a long content also lists ingredients, care
# and neighbours, so only its start counts, and the title counts more.
QUERY_CONTENT_WORDS = 60
TITLE_WEIGHT = 3


def product_query(parameters: dict[str, Any]) -> Counter[str]:
    """A product's words for retrieval: the start of its content, and its
    title and category, which count more."""
    product = parameters.get("product") or {}
    query = Counter(words(str(parameters.get("content", "")))[:QUERY_CONTENT_WORDS])
    for word in words(" ".join((str(product.get("title", "")), str(product.get("category", ""))))):
        query[word] += TITLE_WEIGHT
    return query


def product_languages(parameters: dict[str, Any]) -> frozenset[str]:
    """The languages a product's words are matched in: its locale's and English."""
    language = str(parameters.get("locale") or "en").split("-")[0].lower()
    return frozenset({"en", language})


def product_category_attributes(parameters: dict[str, Any]) -> tuple[str | None, tuple[str, ...] | None]:
    """The product's Shopify category and its attributes (Beacon names), by
    retrieval over the whole Shopify taxonomy; (None, None) without the data."""
    found = product_category(product_query(parameters))
    return (found[0], found[1]) if found else (None, None)


@lru_cache(maxsize=8)
def builtin_index(paths: tuple[str, ...]) -> TaxonomyIndex:
    """The index of a task kind's built-in list (no taxonomy imported)."""
    return index_build(list(paths))


def taxonomy_ranking(
    *, taxonomy: Taxonomy | None, parameters: dict[str, Any], limit: int, builtin: tuple[str, ...] = ()
) -> list[tuple[str, float]]:
    """The `limit` best category paths for the product with their scores,
    best first (prompts/taxonomy_index.py); without a taxonomy, from the
    `builtin` list."""
    index = _index(taxonomy.id, taxonomy.imported_at.isoformat()) if taxonomy is not None else builtin_index(builtin)
    ranked = index.rank(product_query(parameters), limit, product_languages(parameters))
    # Fill up with top-level categories (then any), so a text with no match
    # still gets choices.
    chosen = {path for path, _ in ranked}
    for path in [p for p in index.categories if SEPARATOR not in p] + index.categories:
        if len(ranked) >= limit:
            break
        if path not in chosen:
            chosen.add(path)
            ranked.append((path, 0.0))
    return ranked


def taxonomy_candidates(*, taxonomy: Taxonomy, parameters: dict[str, Any], limit: int | None = None) -> list[str]:
    """The category paths a job may choose from, best first."""
    limit = limit or settings.BEACON_TAXONOMY_CANDIDATES
    return [path for path, _ in taxonomy_ranking(taxonomy=taxonomy, parameters=parameters, limit=limit)]


def taxonomy_choice(model_path: str, ranking: list[tuple[str, float]], decides_below: float) -> str:
    """The delivered path: retrieval's first, unless its lead over the second
    is under `decides_below` (a ratio of scores), where the model's choice
    decides. On the small default model retrieval's first was right more
    often than the model on the development part, whatever the lead, so the
    default (1.0) lets retrieval stand; a stronger deployment raises it."""
    if not ranking or ranking[0][1] <= 0:
        return model_path  # retrieval found nothing: it has no opinion
    first = ranking[0]
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    lead = first[1] / second if second > 0 else float("inf")
    return model_path if lead < decides_below else first[0]


def taxonomy_confidence(path: str, ranking: list[tuple[str, float]], model_path: str) -> float:
    """How sure Beacon is of the delivered path: its share of the shortlist's
    scores, lifted when the model chose the same path (two methods agree),
    then mapped through the calibration table measured on the golden set's
    development part (prompts/data/taxonomy_calibration.json), so that 0.8
    means right about 8 times in 10 there."""
    scores = dict(ranking)
    total = sum(score for _, score in ranking)
    share = scores.get(path, 0.0) / total if total > 0 else 0.0
    raw = 0.5 * share + (0.5 if path == model_path else 0.0)
    return calibrated(raw)


def calibrated(raw: float) -> float:
    """Piecewise-linear through the calibration table's (raw, observed) points."""
    points = calibration_points()
    if not points:
        return round(raw, 3)
    if raw <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if raw <= x1:
            return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0 or 1.0), 3)
    return points[-1][1]


CALIBRATION_FILE = Path(__file__).parent / "data" / "taxonomy_calibration.json"


@lru_cache(maxsize=1)
def calibration_points() -> list[tuple[float, float]]:
    if not CALIBRATION_FILE.is_file():
        return []
    data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    return [(float(x), float(y)) for x, y in data["points"]]
