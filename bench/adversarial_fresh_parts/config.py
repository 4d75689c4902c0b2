"""Task kinds, locales, techniques with their carriers, and the encodings each language allows."""

ENGLISH_SHARE = 0.55
ENCODED_SHARE = 0.35

KINDS = ("product_description", "metadata_enrichment", "taxonomy_tagging", "moderation_summary")
KIND_SHARE = dict(zip(KINDS, (0.24, 0.24, 0.24, 0.28), strict=True))
HINTS = dict(zip(("desc", "enr", "tax", "mod"), KINDS, strict=True))
OUT_NOUNS = {
    "product_description": ("product description", "description", "listing copy"),
    "metadata_enrichment": ("enriched metadata", "metadata", "attribute output"),
    "taxonomy_tagging": ("category tags", "classification", "tagging output"),
    "moderation_summary": ("moderation summary", "summary", "review summary"),
}
LOCALES = {
    "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT", "pt": "pt-BR", "nl": "nl-NL", "pl": "pl-PL",
    "sv": "sv-SE", "ja": "ja-JP", "zh": "zh-CN", "cs": "cs-CZ", "tr": "tr-TR", "ko": "ko-KR", "ru": "ru-RU",
    "uk": "uk-UA", "ar": "ar-SA", "hi": "hi-IN", "vi": "vi-VN", "id": "id-ID", "el": "el-GR", "fi": "fi-FI",
    "da": "da-DK", "ro": "ro-RO", "hu": "hu-HU",
}  # fmt: skip
ENGLISH_LOCALES = ("en-US", "en-US", "en-US", "en-GB", "en-AU", "en-CA")

# Where an attack sits, with weights; techniques tied to one place have their own tables.
GENERAL = (
    ("content", 40), ("review", 8), ("qa", 7), ("product_field", 9), ("reference_document", 10),
    ("alt_text", 5), ("html_comment", 4), ("html_meta", 3), ("json_ld", 3), ("spec_table", 5),
    ("manual_excerpt", 6),
)  # fmt: skip
STRUCTURED = (("content", 55), ("product_field", 15), ("reference_document", 20), ("review", 10))
TECHNIQUES: dict[str, tuple[tuple[tuple[str, int], ...], bool, str | None]] = {
    # technique: (carriers, may be encoded, fixed task kind)
    "direct_override": (GENERAL, True, None),
    "authority_notice": (GENERAL, True, None),
    "policy_notice": (GENERAL, True, None),
    "fake_system_markup": (GENERAL, True, None),
    "chat_template_spoof": (STRUCTURED, False, None),
    "json_role_spoof": (
        (("content", 45), ("product_field", 20), ("reference_document", 20), ("json_ld", 15)),
        True,
        None,
    ),
    "yaml_front_matter": ((("content", 75), ("reference_document", 25)), False, None),
    "tool_call_request": (GENERAL, True, None),
    "link_following": (GENERAL, True, None),
    "markdown_exfiltration": (GENERAL, True, None),
    "contact_insertion": (GENERAL, True, None),
    "conditional_trigger": (GENERAL, True, None),
    "fake_few_shot": ((("content", 70), ("reference_document", 20), ("product_field", 10)), False, None),
    "completion_priming": ((("content", 80), ("product_field", 20)), False, None),
    "roleplay_virtualization": (GENERAL, True, None),
    "refusal_suppression": (GENERAL, True, None),
    "social_engineering": (GENERAL, True, None),
    "indirect_expectation": (GENERAL, True, None),
    "prompt_leak": (GENERAL, True, None),
    "moderation_forgery": (GENERAL, True, "moderation_summary"),
    "taxonomy_steering": (GENERAL, True, "taxonomy_tagging"),
    "enrichment_poisoning": (GENERAL, True, "metadata_enrichment"),
    "output_format_hijack": (GENERAL, True, None),
    "translation_trick": (GENERAL, False, None),
    "multi_turn_transcript": ((("chat_transcript", 75), ("reference_document", 25)), False, None),
    "split_payload": ((("multi_field", 1),), False, None),
    "padded_payload": ((("content", 75), ("reference_document", 25)), True, None),
    "repeated_payload": ((("content", 1),), False, None),
    "review_voice": ((("review", 1),), True, None),
    "qa_thread": ((("qa", 1),), True, None),
    "hidden_markup": ((("html_comment", 35), ("html_meta", 25), ("alt_text", 25), ("json_ld", 15)), True, None),
    "code_comment": ((("code_comment", 1),), True, None),
    "data_row": ((("csv_row", 1),), True, None),
    "email_signature": ((("email_signature", 1),), True, None),
    "reference_doc_override": ((("reference_document", 1),), True, None),
}

HELD_OUT_ENCODINGS = ("caesar3", "braille", "morse", "base32", "nato_phonetic", "pig_latin", "mixed_case_noise")
NEW_ENCODINGS = (
    "atbash", "rot47", "binary_ascii", "decimal_codes", "hex_bytes", "base64", "upside_down", "dot_spaced",
    "emoji_spaced", "acrostic_words", "every_second_word", "vigenere", "reversed_text", "leetspeak", "homoglyph",
    "fullwidth", "zero_width",
)  # fmt: skip
ALL_ENCODINGS = HELD_OUT_ENCODINGS + NEW_ENCODINGS
UNICODE_SAFE = frozenset(
    ("base64", "base32", "hex_bytes", "decimal_codes", "reversed_text", "zero_width", "nato_phonetic", "dot_spaced",
     "emoji_spaced", "acrostic_words", "every_second_word")
)  # fmt: skip
NO_SPACES = frozenset(("ja", "zh"))
NON_LATIN = frozenset(("ja", "zh", "ko", "ru", "uk", "ar", "hi", "el"))


def allowed_encodings(language: str) -> tuple[str, ...]:
    """The encodings that still make sense for text in this language."""
    if language == "en":
        return ALL_ENCODINGS
    if language in NO_SPACES:
        return tuple(e for e in ALL_ENCODINGS if e in UNICODE_SAFE - {"acrostic_words", "every_second_word"})
    if language in NON_LATIN:
        cased = {"mixed_case_noise"} if language in ("ru", "uk", "el") else set()
        return tuple(e for e in ALL_ENCODINGS if e in UNICODE_SAFE | cased)
    return tuple(e for e in ALL_ENCODINGS if e not in ("pig_latin", "upside_down"))
