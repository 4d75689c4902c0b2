"""Evidence located by Beacon, candidate values proposed from the input, and
the extraction plan built from them."""

import pytest

from validation.candidates import AttributeSpec, candidates_propose
from validation.evidence import InputIndex, fold
from validation.extraction import extraction_output, extraction_plan

README = {"content": "Blue cotton shirt by Acme, size M", "locale": "en-US"}


def test_folding_keeps_a_map_back_to_the_original_text():
    folded, where = fold("L\u2019Or\u00e9al  Paris")
    assert folded == "l'oreal paris"
    assert [where[i] for i in (0, 5, 8)] == [0, 5, 9]  # the double space folds into one


def test_a_value_is_found_on_token_boundaries_with_offsets_in_the_original():
    index = InputIndex({"content": "Fred's red mug, 350 ML", "locale": "en"})
    span = index.locate("Red")
    assert span is not None
    assert (span.field, span.start, span.end, span.text) == ("content", 7, 10, "red")
    assert [s.text if s else None for s in (index.locate("350ml"), index.locate("0.35 l"))] == ["350 ML", "350 ML"]
    assert getattr(index.locate("0.35 l"), "match", None) == "quantity"
    assert index.locate("Fre") is None


def test_the_readme_example_gets_one_grounded_candidate_per_attribute():
    plan = extraction_plan(README)
    assert plan.candidates.values("colour") == ["Blue"]
    assert plan.candidates.values("material") == ["cotton"]
    assert plan.candidates.values("size") == ["M"]
    assert plan.candidates.values("brand")[0] == "Acme"
    assert plan.candidates.by_attribute["size"][0].proposed_by == "pattern"
    assert plan.candidates.by_attribute["brand"][0].proposed_by == "brand_cue"


@pytest.mark.parametrize(
    ("parameters", "brand", "by"),
    [
        ({"content": "A mug.", "product": {"brand": "Acme"}}, "Acme", "product_field"),
        ({"content": "Key Features of Alisha Solid Shorts. Brand: Alisha"}, "Alisha", "spec"),
        (
            {"content": "Lindor Truffles. Lindt, Lindt & Sprungli Ag. 200 g.", "product": {"title": "Lindor Truffles"}},
            "Lindt",
            "brand_cue",
        ),
        (
            {"content": "Hot Dog Relish. Mt. Olive. Ingredients: cucumbers.", "product": {"title": "Hot Dog Relish"}},
            "Mt. Olive",
            "brand_cue",
        ),
        (
            {"content": "Roadster Slim Fit Men's Jeans by Roadster", "product": {"title": "Roadster Slim Fit Jeans"}},
            "Roadster",
            "brand_cue",
        ),
    ],
)
def test_brand_cues(parameters, brand, by):
    found = candidates_propose({"locale": "en", **parameters}, [AttributeSpec("brand")]).by_attribute["brand"]
    assert found[0].value == brand and found[0].proposed_by == by


def test_short_letter_sizes_need_a_size_cue():
    found = candidates_propose({"content": "L'Oreal M cream, 50 ml", "locale": "fr"}, [AttributeSpec("size")])
    assert found.values("size") == ["50 ml"]


def test_allowed_values_close_an_attribute_and_keep_their_own_spelling():
    parameters = {"content": "A NAVY wool coat", "locale": "en", "attributes": [{"name": "shade", "values": ["Navy"]}]}
    plan = extraction_plan(parameters)
    assert [s.name for s in plan.specs] == ["shade"]
    assert plan.model_schema()["properties"]["shade"] == {"enum": ["Navy", None]}
    output = extraction_output({"shade": "Navy"}, plan, parameters)
    field = output["attributes"]["shade"]
    assert (field["value"], field["evidence"], field["proposedBy"], field["confirmed"]) == (
        "Navy", "NAVY", "allowed_values", True)  # fmt: skip


def test_an_attribute_without_candidates_is_not_asked_and_delivered_null():
    plan = extraction_plan({"content": "Acme kettle", "locale": "en", "product": {"brand": "Acme"}})
    assert plan.asked == ["brand"]
    output = extraction_output({"brand": "Acme"}, plan, {"content": "Acme kettle", "product": {"brand": "Acme"}})
    assert output["attributes"]["colour"] == {"value": None, "evidence": None, "span": None, "proposedBy": None,
                                              "confirmed": None}  # fmt: skip


def test_a_free_answer_not_in_the_input_has_no_evidence():
    parameters = {"content": "A sturdy kettle", "locale": "en", "attributes": ["style"]}
    plan = extraction_plan(parameters)
    assert plan.free == ["style"]
    output = extraction_output({"style": "Victorian"}, plan, parameters)
    assert output["attributes"]["style"]["evidence"] is None
    assert extraction_output({"style": "sturdy"}, plan, parameters)["attributes"]["style"]["evidence"] == "sturdy"


@pytest.mark.parametrize(
    ("content", "attribute", "value"),
    [
        ("Style Code SHR-105-104-100 In the Box 3 Shorts", "size", "100 In"),
        ("Ingredients: PEG-115M, Calcium Carbonate", "size", "115M"),
        ("Gel nettoyant pour mains Classic-Clear. 500 ml.", "colour", "Clear"),
        ("The innovative double-twist mechanism of this pen", "size", "double"),
    ],
)
def test_a_value_joined_by_a_hyphen_to_the_words_around_it_is_not_a_candidate(content, attribute, value):
    found = candidates_propose({"content": content, "locale": "en-US"}, [AttributeSpec(attribute)])
    assert value.lower() not in [v.lower() for v in found.values(attribute)]


def test_a_value_standing_on_its_own_beside_a_hyphenated_word_is_still_proposed():
    found = candidates_propose(
        {"content": "Non-slip yoga mat, 6 mm, purple", "locale": "en-US"}, [AttributeSpec("colour")]
    )
    assert "purple" in [v.lower() for v in found.values("colour")]


def test_a_redaction_placeholder_is_never_a_candidate_or_evidence():
    parameters = {"content": "Handmade soap by <PERSON_1>'s workshop, lavender", "locale": "en-US"}
    found = candidates_propose(parameters, [AttributeSpec("brand")])
    assert not any("<PERSON_1>" in v for v in found.values("brand"))
    assert InputIndex(parameters).locate("<PERSON_1>'s") is None
