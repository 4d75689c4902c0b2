"""The prepare stage's work on the input: normalization and the injection scan
(PII redaction itself is safety.pii's Redactor)."""

import unicodedata
from typing import Any

from django.conf import settings

from jobs.models import Job
from jobs.services.events import event_record
from jobs.services.stages import StageError
from safety.injection import scan_parameters

# Enumerated parameters, not free text: never redacted.
STRUCTURED_PARAMETERS = frozenset({"locale", "customer_tier"})


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


def injection_check(job: Job, parameters: dict[str, Any]) -> None:
    """Input layer of the injection defence: a decision event for any hit;
    above the block score the job fails (no model sees the input), above the
    flag score it goes on flagged for review."""
    report = scan_parameters(parameters)
    if not report.hits:
        return
    score = report.score
    decision = ("block" if score >= settings.BEACON_INJECTION_BLOCK_SCORE
                else "flag" if score >= settings.BEACON_INJECTION_FLAG_SCORE else "allow")  # fmt: skip
    event_record(job=job, type="injection_scan", data={**report.as_dict(), "decision": decision, "layer": "input"})
    if decision == "block":
        raise StageError(f"the input looks like a prompt-injection attempt (score {score})", code="injection_blocked")
