"""Taxonomies as data, and narrowing thousands of categories to a prompt's worth.

Import: the Shopify Standard Product Taxonomy, either its distribution file
(`dist/en/categories.txt`: `gid : A > B > C` per line) or its source folder
(`data/categories/*.yml`: nodes with `id`, `name`, `children`).

Narrowing: a prompt cannot list 10,000 categories, and constrained decoding
over them would be slow. Each node's path is indexed as words (the leaf's
words count twice); a job's product text (content, title, category, brand)
is scored against every node by shared words, weighted by how rare each word
is in the taxonomy (IDF), and the best TAXONOMY_CANDIDATES nodes, plus their
ancestors' paths for context, become the job's choices: listed in the prompt
and the only values its output schema allows. A taxonomy small enough is
listed whole. Word overlap is cheap, deterministic and explainable; it misses
synonyms ("sneakers" vs "athletic shoes"), which is where embeddings would
come in.
"""

import json
import math
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
        taxonomy, _ = Taxonomy.objects.update_or_create(organization=organization,
                                                        defaults={"name": name, "source": source})  # fmt: skip
        taxonomy.nodes.all().delete()
        TaxonomyNode.objects.bulk_create(
            [TaxonomyNode(taxonomy=taxonomy, external_id=c.external_id, path=c.path,
                          depth=c.path.count(SEPARATOR), terms=_terms(c.path)) for c in categories],
            batch_size=2000,
        )  # fmt: skip
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
def _index(taxonomy_id: int, imported_at: str) -> tuple[list[tuple[str, Counter[str]]], dict[str, float]]:
    """Paths with their term counts, and each term's IDF (cached per import)."""
    rows = list(TaxonomyNode.objects.filter(taxonomy_id=taxonomy_id).order_by("path").values_list("path", "terms"))
    documents = [(path, Counter(terms.split())) for path, terms in rows]
    frequency: Counter[str] = Counter()
    for _, terms in documents:
        frequency.update(set(terms))
    total = max(1, len(documents))
    idf = {term: math.log(total / count) + 1 for term, count in frequency.items()}
    return documents, idf


def taxonomy_for(organization_id: Any) -> Taxonomy | None:
    return (Taxonomy.objects.filter(organization_id=organization_id).first()
            or Taxonomy.objects.filter(organization__isnull=True).first())  # fmt: skip


def taxonomy_candidates(*, taxonomy: Taxonomy, parameters: dict[str, Any], limit: int | None = None) -> list[str]:
    """The category paths a job may choose from, best first."""
    limit = limit or settings.BEACON_TAXONOMY_CANDIDATES
    documents, idf = _index(taxonomy.id, taxonomy.imported_at.isoformat())
    if len(documents) <= limit:
        return [path for path, _ in documents]
    product = parameters.get("product") or {}
    text = " ".join(str(part) for part in (parameters.get("content", ""), product.get("title", ""),
                                           product.get("category", ""), product.get("brand", "")))  # fmt: skip
    query = Counter(_words(text))
    scored = []
    for index, (path, terms) in enumerate(documents):
        score = sum(idf.get(term, 0.0) * min(count, terms[term]) for term, count in query.items() if term in terms)
        if score:
            scored.append((-score, len(path), index, path))
    chosen = [path for *_, path in sorted(scored)[:limit]]
    # Fill up with top-level categories, so a text with no match still gets choices.
    for path, _ in documents:
        if len(chosen) >= limit:
            break
        if SEPARATOR not in path and path not in chosen:
            chosen.append(path)
    return chosen
