"""Text primitives shared by safety and validation: look-alike folding,
invisible characters, and the strings inside a JSON value."""

import re
import unicodedata
from typing import Any

# What PII redaction (safety/pii.py) leaves where it removed a value:
# `<PERSON_1>`, `<EMAIL_2>`. Extraction must never take one for the caller's text.
REDACTION_PLACEHOLDER = re.compile(r"<([A-Z_]+)_(\d+)>")

LOOK_ALIKES = str.maketrans(
    # Cyrillic and Greek letters that look Latin (written as escapes so the
    # source shows what they are), and typographic quotes, dashes, spaces.
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455"  # Cyrillic a e o p c y x i j s
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425"  # Cyrillic A B E K M H O P C T X
    "\u03bf\u03b1\u03bd\u03c1\u03c4\u039f\u0391\u0392\u0395\u039a\u039c"  # Greek o a v p t O A B E K M
    "\u2019\u2018\u201c\u201d\u2013\u2014\u00a0",
    "aeopcyxijsABEKMHOPCTXoavptOABEKM''\"\"-- ",
)
# Zero-width and direction-control characters: invisible, and used to split
# a word a pattern would otherwise see.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Datamarking (spotlighting): in a datamarked prompt every space of untrusted
# data is written as this character, so the model can tell data from
# instructions word by word. U+02C6 (modifier letter circumflex) as in Hines
# et al., "Defending Against Indirect Prompt Injection Attacks With
# Spotlighting" (2024): one token in most vocabularies, and absent from
# product text.
DATAMARK = "\u02c6"
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")


def datamark(text: str) -> str:
    """`text` with every run of spaces written as one DATAMARK (line breaks
    kept); a DATAMARK already in the text becomes a space first, so marks
    mean only what Beacon wrote."""
    return _HORIZONTAL_SPACE.sub(DATAMARK, undatamark(text))


def undatamark(text: str) -> str:
    """A model's answer with the data's marks turned back into spaces."""
    return text.replace(DATAMARK, " ")


def normalize_text(text: str) -> str:
    """Invisible characters removed, compatibility forms and look-alike letters folded."""
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", text)).translate(LOOK_ALIKES)


def strings_of(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string inside a JSON value, with its path (`a.b[2]`; `$` for a bare string)."""
    if isinstance(value, str):
        return [(path or "$", value)]
    if isinstance(value, dict):
        return [item for key, child in value.items() for item in strings_of(child, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [item for i, child in enumerate(value) for item in strings_of(child, f"{path}[{i}]")]
    return []
