"""The prepare stage's work on the input: normalization (PII redaction is
safety.pii's Redactor; the injection and policy checks are safety_checks)."""

import unicodedata
from typing import Any

# Enumerated parameters and the caller's attribute list, not free text: never redacted.
STRUCTURED_PARAMETERS = frozenset({"locale", "customer_tier", "attributes"})


def input_normalize(value: Any) -> Any:
    """NFC-normalize strings and drop control characters (but keep newlines and tabs)."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value)
        # Control and invisible format characters (zero-width joiners, bidi
        # overrides) carry nothing a product text needs and hide attacks.
        return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))
    if isinstance(value, dict):
        return {key: input_normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [input_normalize(item) for item in value]
    return value
