"""Grounding: is what the model says supported by the job's own input?

Extraction (enrichment): every field is `{"value": ..., ...}`. A field is
grounded when Beacon itself finds the value in the input (content, product
metadata or a reference document; validation/evidence.py): Unicode-, case-
and whitespace-folded, on token boundaries, or, for numbers and measures,
equal to a quantity in the input after unit conversion (28 cm = 280 mm =
11.02 in, within 1%). The span found is the field's evidence; the model's own
quote, if it gave one, is not needed. `{"value": null}` (not stated) is
grounded: null is always better than a guess.

Generation: the claims a text makes that can be checked mechanically
(quantities with units, materials, certifications) must appear in the input
the same way. A claim that does not is a hallucination in Beacon's sense: a
statement about the product that the product's own data does not support.
"""

import copy
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from common.text import LOOK_ALIKES, strings_of
from validation.evidence import InputIndex, Span
from validation.quantities import QUANTITY, quantities, quantity_supported

MATERIALS = (
    "cotton",
    "polyester",
    "wool",
    "silk",
    "linen",
    "leather",
    "suede",
    "nylon",
    "denim",
    "cashmere",
    "bamboo",
    "stainless steel",
    "steel",
    "aluminium",
    "aluminum",
    "copper",
    "brass",
    "titanium",
    "glass",
    "ceramic",
    "porcelain",
    "oak",
    "walnut",
    "pine",
    "plastic",
    "silicone",
    "rubber",
    "gold",
    "silver",
)
# Written out in full: a bare "ce" or "ul" is a French word or an HTML tag.
CERTIFICATIONS = (
    "iso 9001",
    "ce mark",
    "ce certified",
    "fcc",
    "ul listed",
    "fda",
    "organic",
    "fair trade",
    "fsc",
    "oeko-tex",
    "gots",
    "energy star",
    "bpa-free",
    "bpa free",
    "vegan",
    "cruelty-free",
    "hypoallergenic",
    "waterproof",
    "dishwasher safe",
    "certified",
)


def normalize(text: Any) -> str:
    value = unicodedata.normalize("NFKC", str(text)).translate(LOOK_ALIKES).casefold()
    value = re.sub(r"\s+", " ", value)
    return value.strip(" \t\n.,;:!?\"'()[]")


def source_text(parameters: dict[str, Any]) -> str:
    """Everything a grounded statement may come from, as one normalized text."""
    parts = [str(parameters.get("content", ""))]
    product = parameters.get("product") or {}
    if isinstance(product, dict):
        parts += [str(v) for v in product.values() if not isinstance(v, dict)]
        parts += [f"{k} {v}" for k, v in (product.get("attributes") or {}).items()]
    parts += [str(doc.get("text", "")) for doc in parameters.get("reference_documents") or []]
    return normalize("\n".join(parts))


@dataclass
class GroundingResult:
    field: str
    grounded: bool
    reason: str
    span: Span | None = None

    def as_dict(self) -> dict[str, Any]:
        found = {"span": self.span.as_dict()} if self.span is not None else {}
        return {"field": self.field, "grounded": self.grounded, "reason": self.reason, **found}


@dataclass
class GroundingReport:
    results: list[GroundingResult] = field(default_factory=list)

    @property
    def ungrounded(self) -> list[GroundingResult]:
        return [r for r in self.results if not r.grounded]

    def as_dict(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.results]


def ground_field(name: str, value: Any, index: InputIndex) -> GroundingResult:
    """Grounded when Beacon finds the value in the input itself; the model's
    own quote plays no part (a small model paraphrases its quotes)."""
    if value is None:
        return GroundingResult(name, True, "not stated (null)")
    span = index.locate(value)
    if span is None:
        return GroundingResult(name, False, "the value does not occur in the input")
    how = "value found in the input" if span.match == "folded" else "value equals a quantity in the input"
    return GroundingResult(name, True, how, span)


def extraction_fields(output: Any) -> list[tuple[str, dict[str, Any]]]:
    """(path, node) of every `{value, ...}` field in an extraction output."""
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if "value" in node and not isinstance(node["value"], dict | list):
                found.append((path, node))
                return
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for position, child in enumerate(node):
                walk(child, f"{path}[{position}]")

    walk(output, "")
    return found


def ground_extraction(output: Any, parameters: dict[str, Any]) -> GroundingReport:
    """Every `{value, ...}` field in the output, wherever it sits."""
    index = InputIndex(parameters)
    return GroundingReport([ground_field(path, node["value"], index) for path, node in extraction_fields(output)])


def mentions(term: str, text: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", text) is not None


def unsupported_claims(text: str, source: str, source_quantities: list[Any]) -> list[str]:
    """The reasons a text is not supported by the input: the quantities,
    materials and certifications it claims that the input does not state."""
    reasons = []
    claimed = normalize(text)
    for quantity_text in QUANTITY.finditer(text):
        quantity = quantities(quantity_text.group(0))[0]
        if not quantity_supported(quantity, source_quantities):
            reasons.append(f"claims {quantity_text.group(0)!r}, not in the input")
    for term in (*MATERIALS, *CERTIFICATIONS):
        if mentions(term, claimed) and not mentions(term, source):
            kind = "material" if term in MATERIALS else "certification"
            reasons.append(f"claims the {kind} {term!r}, not in the input")
    return reasons


def ground_generation(output: Any, parameters: dict[str, Any]) -> GroundingReport:
    """Quantities, materials and certifications the text claims must be in the input."""
    source = source_text(parameters)
    source_quantities = quantities(source)
    report = GroundingReport()
    for path, text in strings_of(output):
        for reason in unsupported_claims(text, source, source_quantities):
            report.results.append(GroundingResult(path, False, reason))
    if not report.results:
        report.results.append(GroundingResult("", True, "no unsupported quantity, material or certification"))
    return report


# After ".", "!" or "?" and a space; after an ideographic full stop, "!" or "?" (no space in CJK text).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[\u3002\uff01\uff1f])")


def unsupported_removed(
    output: Any, report: GroundingReport, parameters: dict[str, Any], refill: dict[str, tuple[str, int]] | None = None
) -> tuple[Any, list[dict[str, str]]] | None:
    """Generation's partial acceptance: the copy without what it invented.

    A bullet point that makes an unsupported claim is dropped whole; in
    prose, the sentences that make one are. A field left empty is written
    again from another field's kept text where `refill` names one (path ->
    (source path, maximum length): an SEO title from the title); otherwise
    None, and only asking again can fix it (a title is one claim). The caller
    validates what remains against the schema and rules again.
    """
    refill = refill or {}
    source = source_text(parameters)
    source_quantities = quantities(source)
    accepted = copy.deepcopy(output)
    removed: list[dict[str, str]] = []
    paths = sorted({r.field for r in report.ungrounded}, key=_path_order, reverse=True)
    for path in paths:
        if path in ("", "$"):
            return None
        *parents, last = [int(p) if p.isdecimal() else p for p in re.findall(r"[^.\[\]]+", path)]
        node = accepted
        for part in parents:
            node = node[part]
        text = node[last]
        if not isinstance(text, str):
            return None
        if isinstance(node, list):
            removed.append({"field": path, "text": text})
            del node[last]
            continue
        kept = []
        for sentence in SENTENCE_END.split(text.strip()):
            if unsupported_claims(sentence, source, source_quantities):
                removed.append({"field": path, "text": sentence})
            else:
                kept.append(sentence)
        node[last] = " ".join(kept)
    for path, node, last in _string_fields(accepted, [r["field"] for r in removed]):
        if node[last]:
            continue
        source_path, limit = refill.get(path, ("", 0))
        kept_text = next((n[k] for _, n, k in _string_fields(accepted, [source_path]) if n[k]), "")
        if not kept_text:
            return None
        node[last] = _shortened(kept_text, limit)
    return accepted, removed


def _string_fields(output: Any, paths: list[str]) -> list[tuple[str, Any, Any]]:
    """(path, parent node, key) of each path that still names a string."""
    found = []
    for path in dict.fromkeys(paths):
        *parents, last = [int(p) if p.isdecimal() else p for p in re.findall(r"[^.\[\]]+", path)] or [""]
        node = output
        try:
            for part in parents:
                node = node[part]
            if isinstance(node[last], str):
                found.append((path, node, last))
        except (KeyError, IndexError, TypeError):
            continue
    return found


def _shortened(text: str, limit: int) -> str:
    """The first sentence of `text`, cut at a word boundary to `limit` characters."""
    first = SENTENCE_END.split(text.strip())[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:-")


def _path_order(path: str) -> tuple[tuple[int, int, str], ...]:
    # Later list items first, so deleting one does not move the next one's index.
    return tuple((1, int(p), "") if p.isdecimal() else (0, 0, p) for p in re.findall(r"[^.\[\]]+", path))
