"""Grounding positives and negatives, for extraction fields and generated claims."""

import pytest

from validation.evidence import InputIndex
from validation.grounding import (
    ground_extraction,
    ground_field,
    ground_generation,
    normalize,
    source_text,
    unsupported_removed,
)

PARAMS = {
    "content": "Acme Trailblazer pan. Stainless steel,  28 cm wide, weighs 1.2 kg. Dishwasher safe.",
    "locale": "en-US",
    "product": {"brand": "Acme", "attributes": {"colour": "Silver"}},
    "reference_documents": [{"title": "Spec", "text": "Capacity: 2.5 l"}],
}
SOURCE = source_text(PARAMS)


@pytest.mark.parametrize(
    ("value", "grounded", "reason", "found"),
    [
        ("Acme", True, "value found in the input", "Acme"),
        ("stainless steel", True, "value found in the input", "Stainless steel"),  # case
        ("steel, 28", True, "value found in the input", "steel,  28"),  # whitespace runs
        ("280 mm", True, "equals a quantity", "28 cm"),
        ("11.02 in", True, "equals a quantity", "28 cm"),
        ("1200 g", True, "equals a quantity", "1.2 kg"),
        ("2500 ml", True, "equals a quantity", "2.5 l"),  # from a reference document
        ("Silver", True, "value found in the input", "Silver"),  # from product metadata
        ("\u0410\u0441me", True, "value found in the input", "Acme"),  # Cyrillic look-alikes in the value
        (None, True, "not stated", None),
        ("Cast iron", False, "does not occur in the input", None),
        ("30 cm", False, "does not occur in the input", None),  # off by more than 1%
        ("Trail", False, "does not occur in the input", None),  # not on a token boundary
    ],
)
def test_fields_are_grounded_where_beacon_finds_them(value, grounded, reason, found):
    result = ground_field("f", value, InputIndex(PARAMS))
    assert result.grounded is grounded and reason in result.reason
    assert (result.span.text if result.span else None) == found


def test_every_value_in_an_output_is_checked_and_the_models_quote_is_not_needed():
    output = {"attributes": {"brand": {"value": "Acme", "evidence": "a quote the model made up"},
                             "material": {"value": "Wood", "evidence": "Stainless steel"},
                             "colour": {"value": None, "evidence": None},
                             "size": {"value": "28 cm"}}}  # fmt: skip
    report = ground_extraction(output, PARAMS)
    assert [(r.field, r.grounded) for r in report.results] == [
        ("attributes.brand", True), ("attributes.material", False), ("attributes.colour", True),
        ("attributes.size", True)]  # fmt: skip
    assert [r.field for r in report.ungrounded] == ["attributes.material"]
    assert report.results[0].as_dict()["span"] == {"field": "content", "start": 0, "end": 4, "text": "Acme",
                                                   "match": "folded"}  # fmt: skip


def test_generated_claims_must_be_in_the_input():
    honest = {"title": "Acme stainless steel pan", "bullet_points": ["28 cm wide", "Weighs 1200 g", "Dishwasher safe"]}
    assert ground_generation(honest, PARAMS).ungrounded == []
    invented = {"description": "A 30 cm copper pan, FDA approved and BPA-free, made of organic cotton handles."}
    reasons = [r.reason for r in ground_generation(invented, PARAMS).ungrounded]
    assert "claims '30 cm', not in the input" in reasons
    assert "claims the material 'copper', not in the input" in reasons
    assert "claims the certification 'fda', not in the input" in reasons
    assert "claims the certification 'bpa-free', not in the input" in reasons


def test_unsupported_sentences_and_bullets_are_removed_and_the_rest_kept():
    copy = {"title": "Acme pan", "description": "A stainless steel pan. It is 30 cm wide! Dishwasher safe.",
            "bullet_points": ["28 cm wide", "Copper core", "Weighs 1.2 kg", "FDA approved"]}  # fmt: skip
    cut = unsupported_removed(copy, ground_generation(copy, PARAMS), PARAMS)
    assert cut is not None
    kept, removed = cut
    assert kept == {"title": "Acme pan", "description": "A stainless steel pan. Dishwasher safe.",
                    "bullet_points": ["28 cm wide", "Weighs 1.2 kg"]}  # fmt: skip
    assert removed == [{"field": "description", "text": "It is 30 cm wide!"},
                       {"field": "bullet_points[3]", "text": "FDA approved"},
                       {"field": "bullet_points[1]", "text": "Copper core"}]  # fmt: skip
    assert copy["bullet_points"][1] == "Copper core"  # the model's answer is left as it was


def test_a_field_that_is_one_unsupported_claim_cannot_be_cut():
    copy = {"title": "Copper pan", "description": "A pan."}
    assert unsupported_removed(copy, ground_generation(copy, PARAMS), PARAMS) is None


def test_normalize_folds_unicode_case_space_and_edges():
    assert normalize("  \u00ab\uff33\uff54\uff45\uff45\uff4c\u00bb  PAN. ") == "\u00absteel\u00bb pan"  # fullwidth
    assert normalize("\u0421otton") == "cotton"  # a Cyrillic capital Es


def test_a_field_left_empty_is_written_again_from_the_one_refill_names():
    copy = {"title": "Acme stainless steel pan", "description": "A stainless steel pan for every day. Dishwasher safe.",
            "seo": {"meta_title": "Acme 30 cm pan", "meta_description": "Copper core, 30 cm."}}  # fmt: skip
    refill = {"seo.meta_title": ("title", 70), "seo.meta_description": ("description", 20)}
    cut = unsupported_removed(copy, ground_generation(copy, PARAMS), PARAMS, refill)
    assert cut is not None
    kept, removed = cut
    assert kept["seo"] == {"meta_title": "Acme stainless steel pan", "meta_description": "A stainless steel"}
    assert {r["field"] for r in removed} == {"seo.meta_title", "seo.meta_description"}
