"""The PII audit: scan what Beacon stores and logs for PII that should not be there.

Tables: job events, errors, results and validation reports, dead letters,
routing decisions, template tests, and the decrypted working payloads (the
redacted input and prompts; the raw input is expected to hold PII and is
encrypted, so it is not scanned). Log files: any given path. Each finding
names where it was and what kind of entity it is; the value itself is shown
masked, so the report does not become a PII leak of its own.
"""

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safety.pii import PLACEHOLDER, detect


@dataclass(frozen=True)
class Finding:
    where: str
    entity: str
    masked: str


def _mask(value: str) -> str:
    return value[:2] + "*" * max(0, len(value) - 4) + value[-2:] if len(value) > 4 else "*" * len(value)


# Times Beacon writes itself (event data, JSON log lines): their seconds and
# microseconds ("49.691881") read as a phone number to the recognizer.
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def scan_text(where: str, text: str) -> list[Finding]:
    cleaned = PLACEHOLDER.sub(" ", text)  # placeholders are what redaction leaves, not PII
    cleaned = ISO_TIME.sub(lambda match: " " * len(match.group()), cleaned)
    return [Finding(where, r.entity_type, _mask(cleaned[r.start : r.end])) for r in detect(cleaned)]


# Where stored text lives, as (where, value) pairs: each app above registers
# the rows of its own tables (jobs/apps.py, prompts/apps.py); safety sits
# below them and never imports them.
AUDIT_SOURCES: list[Callable[[], Iterator[tuple[str, Any]]]] = []


def audit_source_register(source: Callable[[], Iterator[tuple[str, Any]]]) -> None:
    if source not in AUDIT_SOURCES:
        AUDIT_SOURCES.append(source)


def _rows() -> Iterator[tuple[str, Any]]:
    for source in AUDIT_SOURCES:
        yield from source()


def audit_database() -> list[Finding]:
    findings: list[Finding] = []
    for where, value in _rows():
        if value:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            findings += scan_text(where, text)
    return findings


def audit_files(paths: Iterable[Path]) -> list[Finding]:
    findings: list[Finding] = []
    for path in paths:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                findings += scan_text(f"{path}:{number}", line)
    return findings
