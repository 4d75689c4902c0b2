"""Candidate values for extraction, proposed from the input before the model.

The model is asked to choose, not to invent: for each attribute a job asks
for, Beacon lists the values the input itself offers, each with the span it
was found at and the component that proposed it:

- `product_field`: the product metadata names it (`product.brand`, or an
  attribute key such as `Colour`);
- `spec`: the text states it after the attribute's name ("Fabric Cotton",
  "Colour: Blue", "Brand: Acme");
- `brand_cue`: "by Acme", "from Acme", a leading word of the title that the
  content repeats, a short name standing alone in the listing's header;
- `pattern`: a quantity with a unit ("750 g", "100 ml") or a size after the
  word size ("size M", "Size: 42");
- `lexicon`: a known value of the attribute (validation/lexicons.py);
- `allowed_values`: one of the values the caller allowed for the attribute.

Each candidate carries a score (how strong its cue is), used to order the
model's choices and to pick the answer when no model answers.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from common.text import REDACTION_PLACEHOLDER
from validation.evidence import InputIndex, Span, fold_value
from validation.lexicons import attribute_key, lexicon
from validation.quantities import QUANTITY

MAX_CANDIDATES = 5
# What an attribute is called in a spec sheet or listing text.
KEY_NAMES: dict[str, tuple[str, ...]] = {
    "brand": ("brand", "brand name", "manufacturer", "made by"),
    "colour": ("colour", "color", "shade", "finish color"),
    "material": ("material", "fabric", "made of", "outer material", "upper material"),
    "size": ("size", "net wt", "net weight", "net quantity", "quantity", "volume", "contents", "pack size"),
}
SIZE_AFTER_WORD = re.compile(r"\b(?:size|sz)\s*[:\-]?\s*(?P<size>[A-Z0-9][A-Za-z0-9./]{0,5})\b", re.IGNORECASE)
NAME = r"[A-Z0-9][\w&'.\-]*(?:\s+(?:&\s+)?[A-Z0-9][\w&'.\-]*){0,2}"
BY_NAME = re.compile(r"\b(?:by|from)\s+(?P<name>" + NAME + ")")
SHORT_LETTER_SIZE = 3
HEAD_CHARACTERS = 60  # "M", "XL", "2XL": only with a size cue, else they are letters


@dataclass(frozen=True)
class AttributeSpec:
    """An attribute a job asks for; `allowed` closes its values."""

    name: str
    allowed: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return attribute_key(self.name)


@dataclass(frozen=True)
class Candidate:
    value: str
    span: Span
    proposed_by: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "span": self.span.as_dict(), "proposedBy": self.proposed_by, "score": self.score}


@dataclass
class CandidateSet:
    by_attribute: dict[str, list[Candidate]] = field(default_factory=dict)

    def values(self, name: str) -> list[str]:
        return [c.value for c in self.by_attribute.get(name, [])]

    def find(self, name: str, value: Any) -> Candidate | None:
        wanted = fold_value(value)
        return next((c for c in self.by_attribute.get(name, []) if fold_value(c.value) == wanted), None)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {name: [c.as_dict() for c in found] for name, found in self.by_attribute.items()}

    @classmethod
    def from_dict(cls, data: dict[str, list[dict[str, Any]]]) -> "CandidateSet":
        return cls(
            {
                name: [Candidate(c["value"], Span(**{**c["span"]}), c["proposedBy"], float(c["score"])) for c in found]
                for name, found in (data or {}).items()
            }
        )


def _spans_of(index: InputIndex, pattern: re.Pattern[str], group: str) -> list[tuple[str, Span]]:
    found = []
    for name, text, _, _ in index.texts:
        for match in pattern.finditer(text):
            start, end = match.span(group)
            found.append((match[group], Span(name, start, end, text[start:end])))
    return found


def _after_key(index: InputIndex, span: Span, keys: tuple[str, ...]) -> bool:
    """Whether the text just before the span names the attribute."""
    text = index.text_of(span.field)
    before = fold_value(text[max(0, span.start - 24) : span.start]).rstrip(" :-")
    return any(before.endswith(key) for key in keys) or span.field.split(".")[-1].lower() in keys


def _inside_compound(index: InputIndex, span: Span) -> bool:
    """Whether the span is joined by a hyphen to a word or number around it:
    part of a code ("SHR-104-100"), a chemical name ("PEG-115M"), a product
    name ("Classic-Clear") or a compound word ("double-twist"), not a value
    the listing states."""
    text = index.text_of(span.field)
    before = text[max(0, span.start - 2) : span.start]
    after = text[span.end : span.end + 2]
    return (len(before) == 2 and before[1] == "-" and before[0].isalnum()) or (
        len(after) == 2 and after[0] == "-" and after[1].isalnum()
    )


def _lexicon_candidates(
    index: InputIndex, spec: AttributeSpec, values: tuple[str, ...], source: str
) -> list[Candidate]:
    keys = KEY_NAMES.get(spec.key, (spec.key.replace("_", " "),))
    found = []
    for known in values:
        for span in index.find_all(known, limit=3):
            if _inside_compound(index, span):
                continue
            short = len(known) <= SHORT_LETTER_SIZE and spec.key == "size"
            cued = _after_key(index, span, keys)
            if short and not (cued and span.text.isupper()):
                continue
            # An allowed value keeps the caller's spelling; a lexicon's, the input's.
            value = known if source == "allowed_values" else span.text
            # At the head of the listing (its title, its first words) a known
            # value describes the product itself; deep in a long text it may
            # describe anything ("a red box", "goes with white shirts").
            head = span.field == "product.title" or (span.field == "content" and span.start < HEAD_CHARACTERS)
            score = 0.9 if cued else 0.65 if head else 0.5
            found.append(Candidate(value, span, "spec" if cued else source, score))
    return found


# Abbreviations that begin or sit inside a name ("Mt. Olive", "Lucky Shing Co. Ltd.").
NAME_ABBREVIATIONS = frozenset({"mt", "st", "dr", "co", "jr", "sr", "no"})


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) at each period and space, except after a name's
    abbreviation or a single initial."""
    found, start = [], 0
    for match in re.finditer(r"\.\s+", text):
        word = re.findall(r"[\w']+$", text[start : match.start()])
        if word and (word[0].lower() in NAME_ABBREVIATIONS or len(word[0]) == 1) and text[match.start() - 1] != ".":
            continue
        found.append((start, text[start : match.start() + 1]))
        start = match.end()
    if start < len(text):
        found.append((start, text[start:]))
    return found


def _brand_candidates(index: InputIndex, parameters: dict[str, Any]) -> list[Candidate]:
    found = []
    product = parameters.get("product") or {}
    for name, text, _, _ in index.texts:
        if name in ("product.brand", "product.attributes.brand", "product.attributes.Brand"):
            found.append(Candidate(text.strip(), Span(name, 0, len(text), text), "product_field", 1.0))
    title = str(product.get("title") or "")
    for value, span in _spans_of(index, BY_NAME, "name"):
        value = value.split(". ")[0]  # a name does not run into the next sentence
        found.append(Candidate(value, Span(span.field, span.start, span.start + len(value), value), "brand_cue", 0.7))
    # "Brand Eurospa GSM 360 ...": a spec sheet does not say where the name
    # ends; the longest start of it that also starts the title is taken.
    keyed = re.compile(r"\b(?:brand|brand name|manufacturer)\s*[:\-]?\s+(?P<name>" + NAME + ")", re.IGNORECASE)
    for value, span in _spans_of(index, keyed, "name"):
        tokens = value.split()
        for length in range(len(tokens), 0, -1):
            head = " ".join(tokens[:length])
            if fold_value(title).startswith(fold_value(head)) and title:
                found.append(Candidate(head, Span(span.field, span.start, span.start + len(head), head), "spec", 0.95))
                break
        else:
            found.append(Candidate(value, span, "spec", 0.7))
    content = str(parameters.get("content", ""))
    # A listing's title usually starts with the brand: its first word, or
    # first two, when the content repeats them.
    words = title.split()
    for length, score in ((1, 0.6), (2, 0.5)):
        head = " ".join(words[:length])
        if len(words) > length and any(s.field == "content" for s in index.find_all(head, limit=5)):
            span = next(s for s in index.find_all(head, limit=5) if s.field == "content")
            found.append(Candidate(span.text, span, "brand_cue", score))
    # A listing that opens with its title and then a short name ("Nutella.
    # Ferrero, Ferrero Spa. 750 g."): several brands are listed owner last,
    # so the first is taken.
    sentences = _sentences(content[:300])
    if len(sentences) > 1 and title and fold_value(sentences[0][1]) == fold_value(title):
        start, segment = sentences[1]
        name = segment.split(",")[0].strip().rstrip(".").strip()
        if name and len(name.split()) <= 6 and not any(c.isdigit() for c in name):
            at = content.index(name, start)
            found.append(Candidate(name, Span("content", at, at + len(name), name), "brand_cue", 0.65))
    # A web address is where the listing was published, not who made it.
    return [c for c in found if ".com" not in c.value.lower() and "www" not in c.value.lower()]


def _size_candidates(index: InputIndex) -> list[Candidate]:
    found = []
    for name, text, _, _ in index.texts:
        for match in QUANTITY.finditer(text):
            if match[2] == "%":
                continue
            span = Span(name, match.start(), match.end(), match.group(0))
            if _inside_compound(index, span):
                continue
            cued = _after_key(index, span, KEY_NAMES["size"])
            found.append(Candidate(span.text, span, "pattern", 0.85 if cued else 0.6))
    found += [Candidate(v, s, "pattern", 0.9) for v, s in _spans_of(index, SIZE_AFTER_WORD, "size")]
    return found


def candidates_propose(parameters: dict[str, Any], specs: list[AttributeSpec]) -> CandidateSet:
    """The candidates of every attribute, strongest first, at most
    MAX_CANDIDATES distinct values each."""
    index = InputIndex(parameters)
    result = CandidateSet()
    for spec in specs:
        found: list[Candidate] = []
        if spec.allowed:
            found += _lexicon_candidates(index, spec, spec.allowed, "allowed_values")
        else:
            if spec.key == "brand":
                found += _brand_candidates(index, parameters)
            if spec.key == "size":
                found += _size_candidates(index)
            found += _lexicon_candidates(index, spec, lexicon(spec.key), "lexicon")
        for name, text, _, _ in index.texts:
            if name.lower() == f"product.attributes.{spec.key}" and text.strip():
                found.append(Candidate(text.strip(), Span(name, 0, len(text), text), "product_field", 1.0))
        # Strongest cue first; among equals, the one written first.
        # A redacted input's placeholder ("<PERSON_1>'s") stands for text the
        # caller wrote and Beacon removed: never a value to deliver.
        found = [c for c in found if not REDACTION_PLACEHOLDER.search(c.value)]
        found.sort(key=lambda c: (-c.score, c.span.field != "content", c.span.start))
        unique: dict[str, Candidate] = {}
        for candidate in found:
            unique.setdefault(fold_value(candidate.value), candidate)
        result.by_attribute[spec.name] = list(unique.values())[:MAX_CANDIDATES]
    return result
