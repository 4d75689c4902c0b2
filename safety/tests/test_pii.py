"""PII recognizers (Presidio's and Beacon's), placeholders and restoring."""

import pytest

from safety.pii import Redactor, detect


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Write to jane.doe@example.com today", "EMAIL_ADDRESS", "jane.doe@example.com"),
        ("Call +1 415 555 0100 now", "PHONE_NUMBER", "+1 415 555 0100"),
        ("Card 4111 1111 1111 1111 used", "CREDIT_CARD", "4111 1111 1111 1111"),  # passes Luhn
        ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),  # mod-97
        ("from 192.168.1.20 yesterday", "IP_ADDRESS", "192.168.1.20"),
        ("Dear Jane Smith, thanks", "PERSON", "Jane Smith"),  # the name list keeps "Dear"
        ("Customer: Peter Miller complained", "PERSON", "Customer: Peter Miller"),
        ("Mr. John Baker ordered it", "PERSON", "Mr. John Baker"),
        ("Ship to 221B Baker Street, London", "STREET_ADDRESS", "221B Baker Street"),
        ("Lieferung an Hauptstraße 5 in Berlin", "STREET_ADDRESS", "Hauptstraße 5"),
        ("the key sk-abcdefghijklmnopqrstuvwx leaked", "API_KEY", "sk-abcdefghijklmnopqrstuvwx"),
        ("api_key=Zx81nQ02pLmA93 in the config", "API_KEY", "api_key=Zx81nQ02pLmA93"),
        ("her PAN: BQWPK7781M on file", "NATIONAL_ID", "PAN: BQWPK7781M"),
        ("Aadhaar 2345 6789 0123 attached", "NATIONAL_ID", "Aadhaar 2345 6789 0123"),
        ("paid with the Visa ending in 9921", "CARD_DIGITS", "Visa ending in 9921"),
    ],
)
def test_each_recognizer_finds_its_entity(text, entity, value):
    found = [(r.entity_type, text[r.start : r.end]) for r in detect(text)]
    assert (entity, value) in found, found


@pytest.mark.parametrize("text", ["Card 4111 1111 1111 1112 used", "IBAN DE00 3704 0044 0532 0130 00 please"])
def test_checksums_reject_look_alike_numbers(text):
    assert not [r for r in detect(text) if r.entity_type in ("CREDIT_CARD", "IBAN_CODE")]


def test_an_id_shaped_product_code_without_its_name_is_not_personal_data():
    assert not detect("Model BQWPK7781M, 4 colours, ending 2024 collection")


def test_clean_product_text_has_no_findings():
    text = "Acme Trailblazer hiking boot. Waterproof leather upper, rubber sole, sizes 38-46, 1.2 kg."
    assert detect(text) == []


def test_placeholders_are_typed_consistent_per_job_and_restorable():
    redactor = Redactor()
    first = redactor.redact("Mail jane@example.com or bob@example.com, again jane@example.com.")
    assert first == "Mail <EMAIL_1> or <EMAIL_2>, again <EMAIL_1>."
    nested = redactor.redact_value({"content": "reply to bob@example.com", "product": {"note": ["jane@example.com"]}})
    assert nested == {"content": "reply to <EMAIL_2>", "product": {"note": ["<EMAIL_1>"]}}
    again = Redactor.from_state(redactor.state())
    assert again.restore("Thanks <EMAIL_1>, see <PHONE_9>") == "Thanks jane@example.com, see <PHONE_9>"


def test_a_clothing_size_before_a_capitalized_word_is_not_a_name():
    # "M." is also a French title; "size M. Machine washable" must stay as it is.
    assert Redactor().redact("Blue shirt, size M. Machine washable.") == "Blue shirt, size M. Machine washable."


def test_keys_are_redacted_too():
    redactor = Redactor()
    redacted = redactor.redact_value({"product": {"contact jane@example.com": "yes", "title": "Pan"}})
    assert redacted == {"product": {"contact <EMAIL_1>": "yes", "title": "Pan"}}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My friend Maria Garcia loves this kettle.", "Maria Garcia"),
        ("Bought it for Priya, who uses it daily.", "Priya"),
        ("Kwame says the colour is lovely.", "Kwame"),
        ("The gift for Tomasz Nowak arrived late.", "Tomasz Nowak"),
        ("thanks to sofia rossi for the tip", "sofia rossi"),
    ],
)
def test_bare_names_in_prose_are_found(text, name):
    assert ("PERSON", name) in [(r.entity_type, text[r.start : r.end]) for r in detect(text)]


@pytest.mark.parametrize(
    "text",
    [
        # Given names that are also ordinary words, in a product's own terms.
        "Rose Gold plated ring with an Olive Green stone and an Amber Brown strap.",
        # Title Case runs: capitals say nothing about names there.
        "Key Features of Alisha Solid Women's Cycling Shorts Cotton Lycra Navy",
        # A lone unambiguous given name needs a cue.
        "Empower Planet Sun (Surya) with this ruby; Gem is called 'Ratna'.",
        "Made in India, sold in Georgia.",
    ],
)
def test_product_text_with_name_like_words_has_no_person(text):
    assert not [r for r in detect(text) if r.entity_type == "PERSON"]


def test_a_declared_brand_is_not_redacted_but_a_customer_is():
    text = "Bought these Alisha shorts for Alisha, who loves them; my friend Maria Garcia too."
    redactor = Redactor(allow=["Alisha"])
    assert redactor.redact(text) == "Bought these Alisha shorts for Alisha, who loves them; my friend <PERSON_1> too."
    assert "<PERSON_1>" in Redactor().redact(text).split("for ")[1]
