"""Quality checks: each one passing and failing, and severities."""

from validation.quality import quality_evaluate

SPEC = {
    "length": {"title": [5, 20]},
    "requiredSections": ["title", "description"],
    "bannedPhrases": ["best in the world"],
    "language": ["description"],
    "readability": {"field": "description", "min": 30},
    "duplicateSentences": ["description"],
}
GOOD = {
    "title": "Acme cotton shirt",
    "description": "A soft shirt made of cotton. It is easy to wash and keeps its shape.",
}


def outcome(output, locale="en-US", spec=SPEC):
    return {(r.rule, r.passed) for r in quality_evaluate(spec, output, locale=locale)}


def test_a_good_output_passes_every_check():
    assert all(passed for _, passed in outcome(GOOD))


def test_each_check_fails_on_its_problem():
    bad = {"title": "Shirt of shirts, the best in the world", "description": ""}
    results = {r.rule: r for r in quality_evaluate(SPEC, bad, locale="en-US")}
    assert not results["quality.length"].passed and results["quality.length"].values == [38]
    assert not results["quality.requiredSections"].passed
    assert not results["quality.bannedPhrases"].passed and results["quality.bannedPhrases"].values == [
        "best in the world"
    ]
    repeated = {"title": "Acme shirt", "description": "It is soft and warm. It is soft and warm. Machine washable."}
    assert ("quality.duplicateSentences", False) in outcome(repeated)


def test_language_and_readability_are_warnings_by_default():
    german = {
        "title": "Acme Hemd",
        "description": "Ein weiches Hemd aus Baumwolle. Es ist leicht zu waschen und bleibt in Form.",
    }
    results = {r.rule: r for r in quality_evaluate(SPEC, german, locale="en-US")}
    assert not results["quality.language"].passed and results["quality.language"].values[0] == "de"
    assert results["quality.language"].kind == "quality:warn"
    assert ("quality.language", True) in outcome(german, locale="de-DE")
    dense = {"title": "Acme shirt", "description": "Notwithstanding considerable manufacturing heterogeneity, "
             "comprehensive dimensional standardization guarantees interchangeability."}  # fmt: skip
    assert ("quality.readability", False) in outcome(dense)


def test_severity_can_be_raised():
    spec = {**SPEC, "severity": {"language": "error"}}
    german = {
        "title": "Acme Hemd",
        "description": "Ein weiches Hemd aus Baumwolle. Es ist leicht zu waschen und bleibt in Form.",
    }
    language = next(r for r in quality_evaluate(spec, german, locale="en-US") if r.rule == "quality.language")
    assert language.kind == "quality:error"


def test_reading_ease_uses_each_languages_formula():
    from validation.quality import reading_ease

    simple = "The cat sat. The dog ran. We had fun."
    assert reading_ease(simple, "en") > 90
    assert reading_ease("Die Katze sitzt. Der Hund rennt.", "de") > 60
    assert reading_ease("Notwithstanding considerable heterogeneity, standardization prevails.", "en") < 0
