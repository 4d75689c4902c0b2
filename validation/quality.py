"""Quality checks on text fields, declared as data per task kind.

    {"length": {"description": [80, 800]},          characters, per field
     "requiredSections": ["title", "description"],  present and non-empty
     "bannedPhrases": ["best in the world"],         anywhere in the output's text
     "language": ["description"],                    detected language matches the job's locale
     "readability": {"field": "description", "min": 30},   Flesch reading ease, where defined
     "duplicateSentences": ["description"],          no sentence twice
     "severity": {"language": "warn", ...}}          per check: "error" (fails validation) or "warn"

Language detection is langid's classifier (py3langid, bundled model) and only
speaks for texts of 40 characters or more. Readability is Flesch reading ease
with each language's published coefficients (Amstad for German, Kandel-Moles
for French, Fernandez Huerta for Spanish, Flesch-Vacca for Italian, Douma for
Dutch), syllables counted by pyphen's hyphenation dictionaries; other
languages are skipped. Warnings are kept in the trace and do not fail the
output.
"""

import re
from functools import cache
from typing import Any

from validation.grounding import normalize
from validation.rules import RuleResult

DEFAULT_SEVERITY = {
    "length": "error",
    "requiredSections": "error",
    "bannedPhrases": "error",
    "language": "warn",
    "readability": "warn",
    "duplicateSentences": "warn",
}
# language -> (base, per words-per-sentence, per syllables-per-word)
FLESCH = {
    "en": (206.835, 1.015, 84.6),
    "de": (180.0, 1.0, 58.5),
    "fr": (207.0, 1.015, 73.6),
    "es": (206.84, 1.02, 60.0),
    "it": (217.0, 1.3, 60.0),
    "nl": (206.84, 0.93, 77.0),
}
READABILITY_LANGUAGES = set(FLESCH)
MIN_DETECTABLE = 40


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    language, probability = _identifier().classify(text)
    return str(language), float(probability)


@cache
def _hyphenator(language: str) -> Any:
    import pyphen

    return pyphen.Pyphen(lang=language)


def reading_ease(text: str, language: str) -> float:
    """Flesch reading ease with the language's coefficients (higher: easier)."""
    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in re.split(r"[.!?]+", text) if s.strip()]))
    hyphenator = _hyphenator(language)
    syllables = sum(len(hyphenator.positions(word.lower())) + 1 for word in words)
    base, sentence_weight, syllable_weight = FLESCH[language]
    # (Spanish and Italian state theirs per 100 words: 0.6 x that is 60 x per word.)
    return base - sentence_weight * len(words) / sentences - syllable_weight * syllables / len(words)


def _text_fields(output: Any, names: list[str]) -> list[tuple[str, str]]:
    if not isinstance(output, dict):
        return []
    found = []
    for name in names:
        value = output.get(name)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if isinstance(value, str):
            found.append((name, value))
    return found


def _all_text(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return " ".join(_all_text(v) for v in node.values())
    if isinstance(node, list):
        return " ".join(_all_text(v) for v in node)
    return ""


def quality_evaluate(spec: dict[str, Any], output: Any, *, locale: str) -> list[RuleResult]:
    severity = {**DEFAULT_SEVERITY, **(spec.get("severity") or {})}
    results: list[RuleResult] = []

    def add(check: str, path: str, passed: bool, values: list[Any], message: str, fix: str = "") -> None:
        results.append(
            RuleResult(
                rule=f"quality.{check}",
                kind=f"quality:{severity[check]}",
                path=path,
                passed=passed,
                values=values,
                message=message,
                fix=fix,
            )
        )

    for name, (low, high) in (spec.get("length") or {}).items():
        for path, text in _text_fields(output, [name]):
            size = len(text)
            add(
                "length",
                path,
                low <= size <= high,
                [size],
                f"{path} has {size} characters; {low} to {high} wanted",
                "shorten it" if size > high else "say more, from the data only",
            )
    for name in spec.get("requiredSections") or []:
        present = bool(_text_fields(output, [name]) and _text_fields(output, [name])[0][1].strip())
        add("requiredSections", name, present, [], f"{name} is missing or empty")
    banned = spec.get("bannedPhrases") or []
    if banned:
        text = normalize(_all_text(output))
        hits = [phrase for phrase in banned if normalize(phrase) in text]
        add("bannedPhrases", "", not hits, hits, f"uses banned phrases: {hits}", "rephrase without them")
    wanted = locale.split("-")[0].lower()
    for path, text in _text_fields(output, spec.get("language") or []):
        if len(text) < MIN_DETECTABLE:
            continue
        language, probability = detect_language(text)
        add(
            "language",
            path,
            language == wanted,
            [language, round(probability, 2)],
            f"{path} reads as {language!r}, the locale asks for {wanted!r}",
            f"write it in {locale}",
        )
    readability = spec.get("readability") or {}
    if readability and wanted in READABILITY_LANGUAGES:
        for path, text in _text_fields(output, [readability["field"]]):
            if len(text) < MIN_DETECTABLE:
                continue
            score = reading_ease(text, wanted)
            add(
                "readability",
                path,
                score >= readability.get("min", 0),
                [round(score, 1)],
                f"{path} has a reading ease of {score:.0f}; at least {readability.get('min')} wanted",
                "use shorter sentences and plainer words",
            )
    for path, text in _text_fields(output, spec.get("duplicateSentences") or []):
        sentences = [normalize(s) for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 10]
        repeated = sorted({s for s in sentences if sentences.count(s) > 1})
        add("duplicateSentences", path, not repeated, repeated[:3], f"{path} repeats sentences", "say each thing once")
    return results
