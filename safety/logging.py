"""The last line of defence: a logging filter that redacts PII from every record.

Input is redacted in the prepare stage before anything is stored; this filter
catches what slips into a log line anyway (an exception message quoting a
value, a third-party library's debug output). It must be cheap, since every
log line passes through it, so it uses fast regular expressions for the
entities that have a fixed shape (emails, card and IBAN numbers, phone
numbers, IP addresses, secrets) rather than the full Presidio analysis.
"""

import logging
import re

from safety.pii import SECRET_PATTERNS

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b")),
    ("CARD", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("PHONE", re.compile(r"(?<![\w.])\+\d[\d ()./-]{7,}\d\b|\(\d{2,4}\)\s?\d[\d -]{5,}\d\b")),
    ("IP", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    *[("SECRET", re.compile(p.regex)) for p in SECRET_PATTERNS],
]


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
    return len(digits) >= 13 and total % 10 == 0


def redact_text(text: str) -> str:
    for label, pattern in PATTERNS:
        if label == "CARD":
            # Only numbers that pass Luhn: a timing like 0.01656315100001393s is not a card.
            text = pattern.sub(lambda m: "<CARD>" if luhn_valid(m.group(0)) else m.group(0), text)
        else:
            text = pattern.sub(f"<{label}>", text)
    return text


class PiiRedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and record.exc_info[1] is not None:
            # Formatted tracebacks quote exception messages: redact the text cache.
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return True
