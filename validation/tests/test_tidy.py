from validation.tidy import generation_tidied, shortened_to

SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 120},
        "bullet_points": {"type": "array", "items": {"type": "string", "maxLength": 40}},
        "seo": {
            "type": "object",
            "properties": {"meta_title": {"type": "string"}, "meta_description": {"type": "string", "maxLength": 60}},
        },
    },
}


def test_repeated_and_empty_bullets_are_dropped_keeping_the_first():
    output = {"bullet_points": ["Blue cotton", "Size M", "blue  cotton!", " ", "Size M"]}
    tidied, changes = generation_tidied(output, SCHEMA)
    assert tidied["bullet_points"] == ["Blue cotton", "Size M"]
    assert changes == [
        "bullet_points[2]: repeats an earlier item, dropped",
        "bullet_points[3]: empty, dropped",
        "bullet_points[4]: repeats an earlier item, dropped",
    ]
    assert output["bullet_points"][2] == "blue  cotton!"  # the input is not changed


def test_an_overlong_field_keeps_the_sentences_that_fit():
    text = "A blue cotton shirt by Acme. Machine washable at 30 degrees. Regular fit."
    tidied, changes = generation_tidied({"seo": {"meta_description": text}}, SCHEMA)
    assert tidied["seo"]["meta_description"] == "A blue cotton shirt by Acme. Machine washable at 30 degrees."
    assert changes == ["seo.meta_description: 73 characters over a limit of 60, shortened to 60"]


def test_a_first_sentence_longer_than_the_limit_is_cut_at_a_word():
    assert shortened_to("one two three four", 9) == "one two"
    assert shortened_to("one two three four", 7) == "one two"
    assert shortened_to("unbreakable", 5) == ""


def test_a_title_in_capitals_is_recased_and_other_fields_are_not():
    output = {"title": "ACME BLUE SHIRT'S COLLAR", "seo": {"meta_title": "Acme", "meta_description": "SIZE M"}}
    tidied, changes = generation_tidied(output, SCHEMA)
    assert tidied["title"] == "Acme Blue Shirt's Collar"
    assert tidied["seo"] == {"meta_title": "Acme", "meta_description": "SIZE M"}
    assert changes == ["title: written in capitals, recased"]


def test_tidy_copy_is_left_alone():
    output = {"title": "Acme shirt, 2 XL", "bullet_points": ["Blue", "Cotton"], "seo": {"meta_description": "Short."}}
    assert generation_tidied(output, SCHEMA) == (output, [])
