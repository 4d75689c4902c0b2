"""Evidence located by Beacon: where in the job's own input a value is written.

The model's quote is not trusted; Beacon finds the value itself. Every text
a grounded statement may come from (the content, the product metadata, the
reference documents) is folded character by character, keeping a map from
each folded position back to the original one:

- Unicode compatibility forms and accents are folded ("ﬁ" -> "fi",
  "Oréal" -> "oreal"), look-alike Cyrillic and Greek letters become Latin,
  case is folded, and any run of whitespace is one space;
- a match must start and end on token boundaries ("red" is not found in
  "Fred");
- a quantity is also found in another unit or spelling ("750g" for "750 g",
  "28 cm" for "280 mm"), and the span then says it was normalized.

The span is reported in the original text's offsets, so a reader (or a
reviewer's screen) can highlight exactly what the value rests on.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from common.text import LOOK_ALIKES, REDACTION_PLACEHOLDER
from validation.quantities import QUANTITY, quantities, quantity_supported

EDGE_PUNCTUATION = " \t\n.,;:!?\"'()[]"


@lru_cache(maxsize=8192)  # a text repeats few distinct characters; folding each is the costly part
def fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.translate(LOOK_ALIKES))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.casefold()


def fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the
    original character it came from."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(index)
            continue
        for piece in fold_char(char):
            out.append(piece)
            where.append(index)
    return "".join(out), where


def fold_value(value: Any) -> str:
    return _fold_text(str(value))


@lru_cache(maxsize=32768)  # lexicon values are looked up in every extraction job
def _fold_text(text: str) -> str:
    folded, _ = fold(text)
    return folded.strip(EDGE_PUNCTUATION)


@dataclass(frozen=True)
class Span:
    """Where a value is written: the input field, offsets in that field's
    original text, the text itself, and how it matched."""

    field: str
    start: int
    end: int
    text: str
    match: str = "folded"  # "folded" (case, accents, spacing) or "quantity" (another unit or spelling)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text, "match": self.match}


def input_texts(parameters: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, text) of everything a grounded value may come from."""
    texts = [("content", str(parameters.get("content", "")))]
    product = parameters.get("product") or {}
    if isinstance(product, dict):
        for key, value in product.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                texts.append((f"product.{key}", str(value)))
        for key, value in (product.get("attributes") or {}).items():
            if value is not None and not isinstance(value, bool):
                texts.append((f"product.attributes.{key}", str(value)))
    for index, doc in enumerate(parameters.get("reference_documents") or []):
        texts.append((f"reference_documents[{index}].text", str(doc.get("text", ""))))
    return texts


class InputIndex:
    """The job's input texts, folded once, searched many times."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.texts = [(name, text, *fold(text)) for name, text in input_texts(parameters) if text]

    def text_of(self, field: str) -> str:
        """The original text of one input field (a span's `field`)."""
        return next(text for name, text, _, _ in self.texts if name == field)

    def find_all(self, value: Any, *, limit: int = 20) -> list[Span]:
        wanted = fold_value(value)
        if not wanted or not any(wanted in folded for _, _, folded, _ in self.texts):
            return []  # most lexicon values are nowhere in the input: no pattern to build
        pattern = re.compile(r"(?<!\w)" + re.escape(wanted) + r"(?!\w)")
        spans = []
        for name, text, folded, where in self.texts:
            for match in pattern.finditer(folded):
                start, end = where[match.start()], where[match.end() - 1] + 1
                spans.append(Span(name, start, end, text[start:end]))
                if len(spans) >= limit:
                    return spans
        return spans

    def locate(self, value: Any) -> Span | None:
        """The first place the value is written, or, for a quantity, the first
        quantity equal to it after unit conversion; None when neither."""
        if value is None or isinstance(value, bool):
            return None
        if REDACTION_PLACEHOLDER.search(str(value)):
            return None  # Beacon's own redaction mark stands where the caller's text was
        found = self.find_all(value, limit=1)
        if found:
            return found[0]
        stated = quantities(str(value))
        if len(stated) != 1:
            return None
        for name, text, _, _ in self.texts:
            for match in QUANTITY.finditer(text):
                if quantity_supported(stated[0], quantities(match.group(0))):
                    return Span(name, match.start(), match.end(), match.group(0), match="quantity")
        return None


def evidence_locate(value: Any, parameters: dict[str, Any]) -> Span | None:
    return InputIndex(parameters).locate(value)
