"""The PII audit: scan what Beacon stores and logs for PII that should not be there.

Tables: job events, errors, results and validation reports, dead letters,
routing decisions, template tests, and the decrypted working payloads (the
redacted input and prompts; the raw input is expected to hold PII and is
encrypted, so it is not scanned). Log files: any given path. Each finding
names where it was and what kind of entity it is; the value itself is shown
masked, so the report does not become a PII leak of its own.
"""

import json
from collections.abc import Iterable, Iterator
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


def scan_text(where: str, text: str) -> list[Finding]:
    cleaned = PLACEHOLDER.sub(" ", text)  # placeholders are what redaction leaves, not PII
    return [Finding(where, r.entity_type, _mask(cleaned[r.start : r.end])) for r in detect(cleaned)]


def _rows() -> Iterator[tuple[str, Any]]:
    from jobs.models import DeadLetter, Job, JobEvent, JobPayload, JobResult
    from prompts.models import TemplateTest
    from safety.encryption import decrypt_json

    for event in JobEvent.objects.only("id", "data").iterator():
        yield f"jobs_jobevent#{event.id}.data", event.data
    for job_id, error, routing in Job.objects.values_list("id", "error", "routing").iterator():
        yield f"jobs_job#{job_id}.error", error
        yield f"jobs_job#{job_id}.routing", routing
    for result in JobResult.objects.only("job_id", "output", "validation").iterator():
        yield f"jobs_jobresult#{result.job_id}.output", result.output
        yield f"jobs_jobresult#{result.job_id}.validation", result.validation
    for dead in DeadLetter.objects.only("id", "message", "error_code").iterator():
        yield f"jobs_deadletter#{dead.id}.message", dead.message
    for payload in JobPayload.objects.filter(working__isnull=False).only("job_id", "working").iterator():
        working = decrypt_json(payload.working) if payload.working else {}
        yield f"jobs_jobpayload#{payload.job_id}.working.input", working.get("input")
        yield f"jobs_jobpayload#{payload.job_id}.working.messages", working.get("messages")
    for test in TemplateTest.objects.only("id", "output").iterator():
        yield f"prompts_templatetest#{test.id}.output", test.output


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
