"""Person names without an NER model: gazetteers, capitalization and cues.

No English NER pipeline installs from the package registries Beacon builds
from (spaCy's models are published on GitHub, not PyPI), so names are found
the way NER systems found them before statistical models: a name list, the
capitalization of the words around a candidate, and cue words.

- Given names: every Latin-script first name in Faker's person providers
  (about 80 locales, so Kwame, Priya and Tomasz as well as James) and the US
  Census 1990 first-name lists (the `names` package). Surnames: the same two
  sources (Census: 88,799 surnames).
- A word that is also an ordinary English word ("Rose", "Will", "Ruby",
  "Summer"; lower-case entries of the public-domain web2 word list, from the
  `english-words` package) is ambiguous: alone it counts only beside a cue
  ("my friend Ruby", "Ruby says"), and a pair of two ambiguous words ("Rose
  Gold", "Olive Green") counts only with a cue.
- Capitalization is evidence only in prose: in a Title Case run (a product
  title, "Alisha Solid Women's Cycling Shorts") every word is capitalized, so
  a candidate there needs a cue too.
- Countries and US states are not names ("India", "Georgia").

docs/security.md and bench/pii_name_recall.py measure recall (on a name set
frozen before these rules were tuned) and false positives on product text.
"""

import importlib
import pkgutil
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import faker.providers.person as person_providers
import numpy as np
from english_words import get_english_words_set
from faker.providers.address.en_US import Provider as Address

LETTERS = "A-Za-zÀ-ÖØ-öø-ÿĀ-ž"
APOSTROPHES = "'\u2019"  # typewriter and typographic
WORD = re.compile(rf"[{LETTERS}]+(?:[{APOSTROPHES}-][{LETTERS}]+)*")
LATIN_NAME = re.compile(rf"^[{LETTERS}]+(?:['-][{LETTERS}]+)*$")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A word before a name that says a person follows.
PERSON_BEFORE = _word_set(
    "friend friends neighbour neighbor wife husband son daughter mum mom mother father dad sister brother "
    "colleague boss partner girlfriend boyfriend grandma grandmother grandpa grandfather aunt uncle cousin "
    "niece nephew fiance fiancee customer reviewer buyer dear hi hello hey thanks cheers regards"
)
# Prepositions that often precede a person ("gave it to", "ordered by"):
# enough for an unambiguous name or a full name, not for an ordinary word.
PREPOSITIONS = _word_set("to for by with from and")
# A word after a name that says the name is a person.
PERSON_AFTER = _word_set(
    "says said say told tells asked asks wrote writes write loves loved likes liked recommended recommends "
    "found finds thinks thought bought ordered uses used wants wanted needed needs agreed agrees helped "
    "helps gave gives returned complained reviewed tried wore who"
)
SENTENCE_ENDS = (".", "!", "?", ";", "\n")
FUNCTION_WORDS = _word_set("a an the of and or in on at to for by with from is was it this that")


class WordSet:
    """A large, fixed set of strings as a sorted array of their hashes: about
    a tenth of a Python set's memory (every worker that redacts holds one).
    Hashes are per process (PYTHONHASHSEED), so is the array; a collision
    among 64-bit hashes of 200,000 words is not a practical concern."""

    def __init__(self, words: Iterable[str]) -> None:
        self.hashes = np.unique(np.fromiter((hash(word) for word in words), dtype=np.int64))

    def __contains__(self, word: object) -> bool:
        value = hash(word)
        index = int(np.searchsorted(self.hashes, value))
        return index < len(self.hashes) and int(self.hashes[index]) == value

    def __len__(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True)
class Gazetteer:
    first: frozenset[str]  # lower case
    last: WordSet
    ordinary: frozenset[str]  # names that are also ordinary English words
    places: frozenset[str]
    words: WordSet  # ordinary English words (base forms)

    def is_word(self, word: str) -> bool:
        return any(base in self.words for base in _bases(word))


def _faker_names() -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person_providers.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attribute, into in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("first_romanized_names", first),
            ("last_names", last),
            ("last_names_male", last),
            ("last_names_female", last),
            ("last_romanized_names", last),
        ):
            values = provider.__dict__.get(attribute, ())
            if not isinstance(values, (tuple, list, dict)):
                continue  # a few locales compute these (properties)
            # Some locales weight names with a dict (name -> frequency).
            into.update(v.lower() for v in values if isinstance(v, str) and LATIN_NAME.match(v))
    return first, last


def _census_names() -> tuple[set[str], set[str]]:
    folder = files("names")

    def words(name: str) -> set[str]:
        return {line.split()[0].lower() for line in folder.joinpath(name).read_text().splitlines() if line.strip()}

    return words("dist.male.first") | words("dist.female.first"), words("dist.all.last")


def _places() -> set[str]:
    # One-word names only: "Saint Martin" must not take "Martin" with it.
    return {place.lower() for place in (*Address.countries, *Address.states) if " " not in place}


INFLECTIONS = (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ied", "y"), ("ing", ""))


def _bases(word: str) -> list[str]:
    bases = [word]
    for suffix, replacement in INFLECTIONS:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            bases.append(word[: -len(suffix)] + replacement)
    return bases


@cache
def gazetteer() -> Gazetteer:
    faker_first, faker_last = _faker_names()
    census_first, census_last = _census_names()
    first = faker_first | census_first
    last = faker_last | census_last
    # web2 capitalizes only proper nouns: its lower-case entries are ordinary
    # words. It lists base forms, so "levels" and "certified" are looked up
    # as "level" and "certify".
    words = {word for word in get_english_words_set(["web2"]) if word.islower()}
    ordinary = {name for name in first | last if any(base in words for base in _bases(name))}
    places = _places()
    return Gazetteer(
        first=frozenset(first - places),
        last=WordSet(last - places),
        ordinary=frozenset(ordinary),
        places=frozenset(places),
        words=WordSet(words),
    )


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        return re.sub(rf"[{APOSTROPHES}]s$", "", self.text).lower()

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper() and not self.text[1:2].isupper()


def _capitalized_context(tokens: list[Token], start: int, end: int, text: str) -> bool:
    """Whether tokens[start:end] stand among capitalized words (a Title Case
    run, where capitals say nothing about names) or in a fragment with
    hardly a lower-case word ("Marc Jacobs. 25g", "Savon Liquide.")."""
    around = [t for t in tokens[max(0, start - 3) : start] + tokens[end : end + 3] if t.key not in FUNCTION_WORDS]
    if len(around) >= 2 and sum(t.capitalized for t in around) * 2 > len(around):
        return True
    left = max(text.rfind(mark, 0, tokens[start].start) for mark in SENTENCE_ENDS) + 1
    ends = [text.find(mark, tokens[end - 1].end) for mark in SENTENCE_ENDS]
    right = min((i for i in ends if i >= 0), default=len(text))
    sentence = [t for n, t in enumerate(tokens) if left <= t.start < right and not start <= n < end]
    return sum(t.text.islower() and len(t.text) > 2 for t in sentence) < 2


def _cued(tokens: list[Token], start: int, end: int, text: str) -> tuple[bool, bool]:
    """(strong cue, preposition) around tokens[start:end]."""
    before = ""
    if start > 0 and not any(mark in text[tokens[start - 1].end : tokens[start].start] for mark in SENTENCE_ENDS):
        before = tokens[start - 1].key
    after = tokens[end].key if end < len(tokens) else ""
    gap = text[tokens[end - 1].end : tokens[end].start] if end < len(tokens) else ""
    # "who" says person only as a relative clause: "for Maria, who uses it".
    strong = before in PERSON_BEFORE or (after in PERSON_AFTER and "." not in gap and (after != "who" or "," in gap))
    if after == "and" and end + 1 < len(tokens) and tokens[end + 1].text in ("I", "me"):
        strong = True
    return strong, before in PREPOSITIONS


def person_names(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, score) of each person name found in text."""
    names = gazetteer()
    tokens = [Token(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = _name_end(tokens, i, text, names)
        if end:
            strong = _cued(tokens, i, end, text)[0]
            yield token.start, tokens[end - 1].end, 0.85 if strong else 0.6
            i = end
        else:
            i += 1


def _name_end(tokens: list[Token], i: int, text: str, names: Gazetteer) -> int:
    """The end (exclusive) of a name starting at tokens[i], or 0 for none."""
    token = tokens[i]
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if token.key not in names.first:
        # A known surname (or a given name missing from the lists) alone
        # needs a strong cue: "Chen says", "thanks Okafor".
        if token.capitalized and token.key in names.last and token.key not in names.ordinary:
            return i + 1 if _cued(tokens, i, i + 1, text)[0] else 0
        return 0
    adjacent = following is not None and text[token.end : following.start].strip() == ""
    pair = (
        adjacent
        and following is not None
        and following.capitalized == token.capitalized
        and following.key not in names.places
        and (
            following.key in names.last
            # An unlisted surname after an unambiguous given name, in prose.
            or (token.capitalized and token.key not in names.ordinary and not names.is_word(following.key))
        )
    )
    end = i + 2 if pair else i + 1
    ambiguous = [t.key in names.ordinary for t in tokens[i:end]]
    strong, preposition = _cued(tokens, i, end, text)
    if token.capitalized:
        prose = not _capitalized_context(tokens, i, end, text)
        if pair:
            found = strong or (not all(ambiguous) and (prose or preposition))
        else:
            # One word alone ("Surya", "Kurtis" in product text) needs a cue,
            # and two letters ("My", "Al") are too short to tell.
            found = len(token.key) > 2 and (strong or (not ambiguous[0] and prose and preposition))
    else:
        # Lower case: only a full name whose given name is not an ordinary
        # word, after a cue ("thanks to maria mensah"; not "romano cheese",
        # not French "les mains").
        found = pair and not ambiguous[0] and tokens[i + 1].key in names.last and (strong or preposition)
    return end if found else 0
