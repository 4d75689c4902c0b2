"""Grounding: is what the model says supported by the job's own input?

Extraction (enrichment): every field is `{"value": ..., "evidence": "..."}`.
A field is grounded when
  (a) its evidence quote occurs in the input (content, product metadata or a
      reference document), compared after normalizing unicode (NFKC and
      common look-alike letters), case, punctuation at the edges and
      whitespace; and
  (b) its value is supported by the quote: found in it after the same
      normalization, or, for numbers and measures, equal to a quantity in the
      quote after unit conversion (28 cm = 280 mm = 11.02 in, within 1%).
`{"value": null, "evidence": null}` (not stated) is grounded: null is always
better than a guess.

Generation: the claims a text makes that can be checked mechanically
(quantities with units, materials, certifications) must appear in the input
the same way. A claim that does not is a hallucination in Beacon's sense: a
statement about the product that the product's own data does not support.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from safety.output_scan import strings_of

LOOK_ALIKES = str.maketrans(
    # Cyrillic and Greek letters that look Latin (written as escapes so the
    # source shows what they are), and typographic quotes, dashes, spaces.
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455"  # Cyrillic a e o p c y x i j s
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425"  # Cyrillic A B E K M H O P C T X
    "\u03bf\u03b1\u03bd\u03c1\u03c4\u039f\u0391\u0392\u0395\u039a\u039c"  # Greek o a v p t O A B E K M
    "\u2019\u2018\u201c\u201d\u2013\u2014\u00a0",
    "aeopcyxijsABEKMHOPCTXoavptOABEKM''\"\"-- ",
)

# Unit -> (dimension, factor to the dimension's base unit).
UNITS: dict[str, tuple[str, float]] = {
    "mm": ("length", 0.001), "cm": ("length", 0.01), "m": ("length", 1.0), "km": ("length", 1000.0),
    "in": ("length", 0.0254), "inch": ("length", 0.0254), "inches": ("length", 0.0254), '"': ("length", 0.0254),
    "ft": ("length", 0.3048), "mg": ("mass", 0.001), "g": ("mass", 1.0), "kg": ("mass", 1000.0),
    "lb": ("mass", 453.592), "lbs": ("mass", 453.592), "oz": ("mass", 28.3495), "ml": ("volume", 0.001),
    "l": ("volume", 1.0), "w": ("power", 1.0), "kw": ("power", 1000.0), "v": ("voltage", 1.0),
    "mah": ("charge", 1.0), "gb": ("data", 1.0), "tb": ("data", 1000.0), "%": ("percent", 1.0),
}  # fmt: skip
QUANTITY = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?)\s?(mm|cm|km|m|inches|inch|in|ft|mg|kg|g|lbs|lb|oz|ml|l|kw|w|v|mah|gb|tb|%|\")(?![\w])",
    re.IGNORECASE,
)
MATERIALS = (
    "cotton", "polyester", "wool", "silk", "linen", "leather", "suede", "nylon", "denim", "cashmere", "bamboo",
    "stainless steel", "steel", "aluminium", "aluminum", "copper", "brass", "titanium", "glass", "ceramic",
    "porcelain", "oak", "walnut", "pine", "plastic", "silicone", "rubber", "gold", "silver",
)  # fmt: skip
# Written out in full: a bare "ce" or "ul" is a French word or an HTML tag.
CERTIFICATIONS = (
    "iso 9001", "ce mark", "ce certified", "fcc", "ul listed", "fda", "organic", "fair trade", "fsc", "oeko-tex",
    "gots", "energy star", "bpa-free", "bpa free", "vegan", "cruelty-free", "hypoallergenic", "waterproof",
    "dishwasher safe", "certified",
)  # fmt: skip


def normalize(text: Any) -> str:
    value = unicodedata.normalize("NFKC", str(text)).translate(LOOK_ALIKES).casefold()
    value = re.sub(r"\s+", " ", value)
    return value.strip(" \t\n.,;:!?\"'()[]")


def quantities(text: str) -> list[tuple[str, float]]:
    """(dimension, value in the base unit) of every number with a unit."""
    found = []
    for number, unit in QUANTITY.findall(text):
        dimension, factor = UNITS[unit.lower()]
        found.append((dimension, float(number.replace(",", ".")) * factor))
    return found


def quantity_supported(value: tuple[str, float], among: list[tuple[str, float]]) -> bool:
    dimension, amount = value
    return any(d == dimension and abs(a - amount) <= max(abs(amount), abs(a)) * 0.01 for d, a in among)


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

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "grounded": self.grounded, "reason": self.reason}


@dataclass
class GroundingReport:
    results: list[GroundingResult] = field(default_factory=list)

    @property
    def ungrounded(self) -> list[GroundingResult]:
        return [r for r in self.results if not r.grounded]

    def as_dict(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.results]


def ground_field(name: str, value: Any, evidence: Any, source: str) -> GroundingResult:
    if value is None:
        return GroundingResult(name, True, "not stated (null)")
    if not evidence:
        return GroundingResult(name, False, "a value without an evidence quote")
    quote = normalize(evidence)
    if quote not in source:
        return GroundingResult(name, False, "the evidence quote does not occur in the input")
    wanted = normalize(value)
    if wanted in quote:
        return GroundingResult(name, True, "value found in the quote")
    stated = quantities(str(value))
    if stated and all(quantity_supported(q, quantities(quote)) for q in stated):
        return GroundingResult(name, True, "value equals a quantity in the quote after unit conversion")
    return GroundingResult(name, False, "the quote does not support the value")


def ground_extraction(output: Any, parameters: dict[str, Any]) -> GroundingReport:
    """Every `{value, evidence}` object in the output, wherever it sits."""
    source = source_text(parameters)
    report = GroundingReport()

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if set(node) >= {"value", "evidence"}:
                report.results.append(ground_field(path, node["value"], node["evidence"], source))
                return
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{path}[{index}]")

    walk(output, "")
    return report


def mentions(term: str, text: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", text) is not None


def ground_generation(output: Any, parameters: dict[str, Any]) -> GroundingReport:
    """Quantities, materials and certifications the text claims must be in the input."""
    source = source_text(parameters)
    source_quantities = quantities(source)
    report = GroundingReport()
    for path, text in strings_of(output):
        claimed = normalize(text)
        for quantity_text in QUANTITY.finditer(text):
            quantity = quantities(quantity_text.group(0))[0]
            if not quantity_supported(quantity, source_quantities):
                report.results.append(
                    GroundingResult(path, False, f"claims {quantity_text.group(0)!r}, not in the input")
                )
        for term in (*MATERIALS, *CERTIFICATIONS):
            if mentions(term, claimed) and not mentions(term, source):
                kind = "material" if term in MATERIALS else "certification"
                report.results.append(GroundingResult(path, False, f"claims the {kind} {term!r}, not in the input"))
    if not report.results:
        report.results.append(GroundingResult("", True, "no unsupported quantity, material or certification"))
    return report
