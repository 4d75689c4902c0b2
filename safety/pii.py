"""PII detection and redaction: Microsoft Presidio plus Beacon's own recognizers.

Presidio's pattern recognizers find emails, phone numbers (libphonenumber),
card numbers (Luhn), IBANs (mod-97), IP addresses, US SSNs and more, with
their checksums. Presidio finds person names through a spaCy NER pipeline,
and no English spaCy pipeline is installable from PyPI on Beacon's build
machines; so the spaCy engine here is a blank English tokenizer, and Beacon
adds its own recognizers for what that leaves out: person names in common
written forms (titles, "name:" fields, greetings and sign-offs) and, through
safety/names.py, names in prose found by name lists, capitalization and
cues; street addresses and API keys/secrets. docs/security.md measures
recall and false positives.

A caller may allow strings that look like PII but are declared not to be:
a job's own `product.brand` ("Alisha", "Allen Solly") is a brand, not a
customer.

Redaction (Presidio's anonymizer, with a custom operator) replaces each
value with a typed placeholder, consistent within a job (`<EMAIL_1>` is the
same address everywhere in that job), so the model still sees the structure.
The mapping back is itself PII: it is kept only in the job's encrypted
payload.
"""

import re
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

# Presidio's email recognizer asks tldextract for the public suffix list, which
# tldextract would fetch over the network; use the snapshot it ships instead.
import tldextract
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from common.text import REDACTION_PLACEHOLDER
from safety.names import person_names

tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

ENTITIES = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "UK_NHS",
    "PERSON",
    "STREET_ADDRESS",
    "API_KEY",
    "NATIONAL_ID",
    "CARD_DIGITS",
)
# Placeholder names by entity (shorter, and stable if Presidio renames one).
LABELS = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
    "US_SSN": "NATIONAL_ID",
    "UK_NHS": "NATIONAL_ID",
    "PERSON": "PERSON",
    "STREET_ADDRESS": "ADDRESS",
    "API_KEY": "SECRET",
    "NATIONAL_ID": "NATIONAL_ID",
    "CARD_DIGITS": "CARD",
}
# Presidio scores a bare phone number 0.4 (higher with context words nearby).
MIN_SCORE = 0.4
PLACEHOLDER = REDACTION_PLACEHOLDER

NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
PERSON_PATTERNS = [
    Pattern("title", rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Herr|Frau|Mme)\.?\s+{NAME}(?:\s+{NAME})?", 0.85),
    Pattern("field", rf"(?i:\b(?:name|customer|contact|buyer|reviewer|signed)\s*[:=]\s*){NAME}(?:\s+{NAME})+", 0.85),
    # "Best" signs off only with its comma ("Best, Maria"; not "Best Place").
    Pattern("greeting", rf"\b(?:(?:Dear|Hi|Hello|Thanks|Regards|Cheers),?|Best,)\s+{NAME}(?:\s+{NAME})?", 0.6),
    Pattern("full-name", rf"\b{NAME}\s+(?:[A-Z]\.\s+)?{NAME}(?=\s+(?:wrote|said|ordered|bought)\b)", 0.6),
]
STREET = (
    r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl|Square|Sq|"
    r"Stra(?:ss|ß)e|Str|Weg|Platz|Allee|Gasse|Rue|Avenue|Via|Calle"
)
ADDRESS_PATTERNS = [
    Pattern(
        "number-street", rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{STREET})\b\.?(?:,?\s+\d{{4,5}})?", 0.7
    ),
    Pattern("street-number", rf"\b[A-Z][\w-]*(?:{STREET.lower()}|\s(?:{STREET}))\s+\d{{1,5}}[a-z]?\b", 0.7),
]
# National IDs Presidio has no recognizer for, only beside their name (a bare
# "ABCDE1234F" is as likely a product code), and a card named by its last
# digits ("card ending 4417"), which with a name identifies a buyer.
NATIONAL_ID_PATTERNS = [
    Pattern("india-pan", r"(?i:\bPAN\b\s*(?:no\.?|number)?\s*[:#]?\s*)[A-Z]{5}\d{4}[A-Z]\b", 0.85),
    Pattern("india-aadhaar", r"(?i:\baadhaar\b\s*(?:no\.?|number)?\s*[:#]?\s*)\d{4}\s?\d{4}\s?\d{4}\b", 0.85),
]
CARD_PATTERNS = [
    Pattern(
        "card-last-digits", r"(?i:\b(?:card|visa|mastercard|amex)\s+(?:number\s+)?ending\s+(?:in\s+)?)\d{4}\b", 0.7
    ),
]
SECRET_PATTERNS = [
    Pattern("beacon-key", r"\bbk_[A-Za-z0-9_-]{20,}\b", 1.0),
    Pattern("openai-key", r"\bsk-[A-Za-z0-9_-]{20,}\b", 1.0),
    Pattern("aws-access-key", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", 1.0),
    Pattern("github-token", r"\bgh[pousr]_[A-Za-z0-9]{30,}\b", 1.0),
    Pattern("assignment", r"(?i:\b(?:api[_-]?key|secret|token|password)\b\s*[:=]\s*)[^\s'\"]{8,}", 0.9),
]


class BlankEnglishEngine(SpacyNlpEngine):
    """spaCy's English tokenizer without a trained pipeline (see the module doc)."""

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": "en", "model_name": "blank:en"}])

    def load(self) -> None:
        import spacy

        self.nlp = {"en": spacy.blank("en")}  # type: ignore[assignment]  # Presidio types it loosely


class NameListRecognizer(EntityRecognizer):
    """Names in prose (safety/names.py): name lists, capitalization and cues."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="BeaconNameListRecognizer")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities:
            return []
        return [RecognizerResult("PERSON", start, end, score) for start, end, score in person_names(text)]


@cache
def analyzer() -> AnalyzerEngine:
    engine = BlankEnglishEngine()
    engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=engine)
    # Case matters to these patterns (a name is capitalized); Presidio's default
    # flags include IGNORECASE, so they are given explicitly.
    flags = re.DOTALL | re.MULTILINE
    for entity, patterns, name in (
        ("PERSON", PERSON_PATTERNS, "BeaconPersonRecognizer"),
        ("STREET_ADDRESS", ADDRESS_PATTERNS, "BeaconAddressRecognizer"),
        ("API_KEY", SECRET_PATTERNS, "BeaconSecretRecognizer"),
        ("NATIONAL_ID", NATIONAL_ID_PATTERNS, "BeaconNationalIdRecognizer"),
        ("CARD_DIGITS", CARD_PATTERNS, "BeaconCardDigitsRecognizer"),
    ):
        registry.add_recognizer(PatternRecognizer(entity, patterns=patterns, name=name, global_regex_flags=flags))
    registry.add_recognizer(NameListRecognizer())
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


@cache
def anonymizer() -> AnonymizerEngine:
    return AnonymizerEngine()


def detect(text: str, allow: list[str] | None = None) -> list[RecognizerResult]:
    """Non-overlapping findings, highest score first where they overlap;
    a finding whose text is one of `allow` (case-insensitive) is dropped."""
    if not text or not text.strip():
        return []
    allowed = {value.casefold() for value in allow or () if value}
    found = [
        r
        for r in analyzer().analyze(text=text, language="en", entities=list(ENTITIES))
        if r.score >= MIN_SCORE and text[r.start : r.end].casefold() not in allowed
    ]
    kept: list[RecognizerResult] = []
    for result in sorted(found, key=lambda r: (-r.score, -(r.end - r.start))):
        if all(result.end <= k.start or result.start >= k.end for k in kept):
            kept.append(result)
    return sorted(kept, key=lambda r: r.start)


def declared_terms(parameters: dict[str, Any]) -> list[str]:
    """Strings the job's input declares not to be PII: its product's brand."""
    product = parameters.get("product")
    brand = product.get("brand") if isinstance(product, dict) else None
    return [brand] if isinstance(brand, str) and brand.strip() else []


@dataclass
class Redactor:
    """Per-job consistent placeholders: the same value gets the same one."""

    mapping: dict[str, str] = field(default_factory=dict)  # placeholder -> original
    counters: dict[str, int] = field(default_factory=dict)
    allow: list[str] = field(default_factory=list)  # declared not PII (a job's brand)

    def placeholder(self, label: str, value: str) -> str:
        for existing, original in self.mapping.items():
            if original == value and existing.startswith(f"<{label}_"):
                return existing
        self.counters[label] = self.counters.get(label, 0) + 1
        token = f"<{label}_{self.counters[label]}>"
        self.mapping[token] = value
        return token

    def redact(self, text: str) -> str:
        found = detect(text, allow=self.allow)
        if not found:
            return text
        # Placeholders are numbered in reading order first; Presidio's
        # anonymizer then replaces from the end, asking for the same ones.
        for result in found:
            self.placeholder(LABELS.get(result.entity_type, result.entity_type), text[result.start : result.end])
        operators = {
            entity: OperatorConfig("custom", {"lambda": partial(self.placeholder, LABELS.get(entity, entity))})
            for entity in {result.entity_type for result in found}
        }
        return anonymizer().anonymize(text=text, analyzer_results=found, operators=operators).text  # type: ignore[arg-type]

    def redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            # Keys too: a producer's extra product field is rendered into the prompt whole.
            return {
                self.redact(key) if isinstance(key, str) else key: self.redact_value(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.redact_value(item) for item in value]
        return value

    def restore(self, value: Any) -> Any:
        """Put the originals back (only where the task kind allows it)."""
        if isinstance(value, str):
            return PLACEHOLDER.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), value)
        if isinstance(value, dict):
            return {key: self.restore(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.restore(item) for item in value]
        return value

    def state(self) -> dict[str, Any]:
        return {"mapping": self.mapping, "counters": self.counters}

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> "Redactor":
        state = state or {}
        return cls(mapping=dict(state.get("mapping", {})), counters=dict(state.get("counters", {})))
