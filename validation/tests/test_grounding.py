"""Grounding positives and negatives, for extraction fields and generated claims."""

import pytest

from validation.grounding import ground_extraction, ground_field, ground_generation, normalize, source_text

PARAMS = {
    "content": "Acme Trailblazer pan. Stainless steel,  28 cm wide, weighs 1.2 kg. Dishwasher safe.",
    "locale": "en-US",
    "product": {"brand": "Acme", "attributes": {"colour": "Silver"}},
    "reference_documents": [{"title": "Spec", "text": "Capacity: 2.5 l"}],
}
SOURCE = source_text(PARAMS)


@pytest.mark.parametrize(
    ("value", "evidence", "grounded", "reason"),
    [
        ("Acme", "Acme Trailblazer pan", True, "value found in the quote"),
        ("stainless steel", "STAINLESS   steel", True, "value found in the quote"),  # case and whitespace
        ("280 mm", "28 cm wide", True, "unit conversion"),
        ("11.02 in", "28 cm wide", True, "unit conversion"),
        ("1200 g", "weighs 1.2 kg", True, "unit conversion"),
        ("2500 ml", "Capacity: 2.5 l", True, "unit conversion"),  # from a reference document
        ("Silver", "Silver", True, "value found"),  # from product metadata
        ("Acme", "\u0410\u0441me Trailblazer pan", True, "value found"),  # Cyrillic look-alikes in the quote
        (None, None, True, "not stated"),
        ("Acme", "Made by Acme in Italy", False, "does not occur in the input"),  # invented quote
        ("Cast iron", "Stainless steel", False, "does not support the value"),  # real quote, wrong value
        ("30 cm", "28 cm wide", False, "does not support the value"),  # off by more than 1%
        ("Acme", None, False, "without an evidence quote"),
    ],
)
def test_fields(value, evidence, grounded, reason):
    result = ground_field("f", value, evidence, SOURCE)
    assert result.grounded is grounded and reason in result.reason


def test_every_value_evidence_pair_in_an_output_is_checked():
    output = {"attributes": {"brand": {"value": "Acme", "evidence": "Acme"},
                             "material": {"value": "Wood", "evidence": "Stainless steel"},
                             "colour": {"value": None, "evidence": None}}}  # fmt: skip
    report = ground_extraction(output, PARAMS)
    assert [(r.field, r.grounded) for r in report.results] == [
        ("attributes.brand", True), ("attributes.material", False), ("attributes.colour", True)]  # fmt: skip
    assert [r.field for r in report.ungrounded] == ["attributes.material"]


def test_generated_claims_must_be_in_the_input():
    honest = {"title": "Acme stainless steel pan", "bullet_points": ["28 cm wide", "Weighs 1200 g", "Dishwasher safe"]}
    assert ground_generation(honest, PARAMS).ungrounded == []
    invented = {"description": "A 30 cm copper pan, FDA approved and BPA-free, made of organic cotton handles."}
    reasons = [r.reason for r in ground_generation(invented, PARAMS).ungrounded]
    assert "claims '30 cm', not in the input" in reasons
    assert "claims the material 'copper', not in the input" in reasons
    assert "claims the certification 'fda', not in the input" in reasons
    assert "claims the certification 'bpa-free', not in the input" in reasons


def test_normalize_folds_unicode_case_space_and_edges():
    assert normalize("  \u00ab\uff33\uff54\uff45\uff45\uff4c\u00bb  PAN. ") == "\u00absteel\u00bb pan"  # fullwidth
    assert normalize("\u0421otton") == "cotton"  # a Cyrillic capital Es
