"""Data-subject requests: find, export and erase what Beacon holds about a person.

Stored text holds placeholders only (`<EMAIL_1>`), so a person cannot be found
by searching it. Instead the prepare stage records, for each value it
redacted, a keyed hash (HMAC-SHA256 under a key derived from the server's
secret) of the value in a normal form (`subject_identifiers_record`). A
request supplies identifiers (an e-mail address, a phone number, a name);
they are hashed the same way and matched within the organization.

* `subject_export`: every matching job, with what Beacon still holds of it:
  the raw input (decrypted, while retention keeps it), the result, and its
  event history. For the person; written by the command, never stored.
* `subject_erase`: for every matching job not under legal hold, the raw
  input and working data are purged, an output that had the person's values
  restored into it gets its placeholders back, webhook bodies (copies of
  the result) are emptied, the identifier hashes are deleted, and a
  `subject_erased` event is written. A DataSubjectErasure row records which
  jobs were erased and which a hold kept, under the request's reference.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs.models import (
    DataSubjectErasure,
    EventType,
    Job,
    JobEvent,
    JobPayload,
    JobResult,
    SubjectIdentifier,
    WebhookDelivery,
)
from jobs.selectors import job_representation
from jobs.services.legal_holds import unheld
from jobs.state import job_state_load
from safety.encryption import decrypt_json
from tenants.models import Organization

_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")


def subject_normal_form(value: str) -> str:
    """Case and spacing do not tell two mentions apart; nor do a phone
    number's separators."""
    text = " ".join(value.split()).casefold()
    if _PHONE.match(text):
        return "tel:" + re.sub(r"\D", "", text)
    return text


def subject_digest(value: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), b"beacon-data-subjects", hashlib.sha256).digest()
    return hmac.new(key, subject_normal_form(value).encode(), hashlib.sha256).hexdigest()


def subject_identifiers_record(*, job: Job, pii: dict[str, Any] | None, first_prepare: bool) -> int:
    """Hash each value the redactor replaced (its `mapping`: placeholder -> value).
    A re-driven job prepares again and replaces what its first prepare wrote;
    on the first there is nothing to replace (a prepare that died rolled back)."""
    mapping = (pii or {}).get("mapping") or {}
    if not first_prepare:
        SubjectIdentifier.objects.filter(job=job).delete()
    rows = [
        SubjectIdentifier(
            organization_id=job.organization_id,
            job=job,
            label=placeholder.strip("<>").rsplit("_", 1)[0],
            digest=subject_digest(value),
        )
        for placeholder, value in mapping.items()
        if isinstance(value, str) and value.strip()
    ]
    SubjectIdentifier.objects.bulk_create(rows)
    return len(rows)


def subject_jobs(*, organization: Organization, identifiers: list[str]) -> list[Job]:
    digests = {subject_digest(value) for value in identifiers if value.strip()}
    job_ids = SubjectIdentifier.objects.filter(organization=organization, digest__in=digests).values("job_id")
    return list(Job.objects.filter(organization=organization, id__in=job_ids).order_by("created_at"))


def subject_export(*, organization: Organization, identifiers: list[str]) -> dict[str, Any]:
    exported = []
    for job in subject_jobs(organization=organization, identifiers=identifiers):
        payload = JobPayload.objects.filter(job=job, purged_at__isnull=True).first()
        result = JobResult.objects.filter(job=job).first()
        events = JobEvent.objects.filter(job=job).order_by("id").values("type", "to_status", "created_at")
        exported.append(
            {
                "job": job_representation(job=job),
                "input": decrypt_json(payload.raw) if payload is not None and payload.raw else None,
                # As stored, also while the job waits for review (the job's own answer hides it then).
                "output": result.output if result is not None else None,
                "events": [
                    {"type": e["type"], "toStatus": e["to_status"], "at": e["created_at"].isoformat()} for e in events
                ],
            }
        )
    return {"organization": organization.slug, "exportedAt": timezone.now().isoformat(), "jobs": exported}


@dataclass(frozen=True)
class Erasure:
    record: DataSubjectErasure
    erased: list[str]
    held: list[str]


def _placeholders_back(value: Any, originals: dict[str, str]) -> Any:
    """Each original value in `value`'s strings replaced by its placeholder."""
    if isinstance(value, str):
        for original, placeholder in sorted(originals.items(), key=lambda item: -len(item[0])):
            value = value.replace(original, placeholder)
        return value
    if isinstance(value, dict):
        return {key: _placeholders_back(item, originals) for key, item in value.items()}
    if isinstance(value, list):
        return [_placeholders_back(item, originals) for item in value]
    return value


def subject_erase(*, organization: Organization, identifiers: list[str], reference: str, requested_by: str) -> Erasure:
    jobs = subject_jobs(organization=organization, identifiers=identifiers)
    free = set(Job.objects.filter(unheld(), id__in=[job.id for job in jobs]).values_list("id", flat=True))
    erased, held = [], []
    now = timezone.now()
    with transaction.atomic():
        for job in jobs:
            if job.id not in free:
                held.append(str(job.id))
                continue
            payload = JobPayload.objects.select_for_update().filter(job=job).first()
            result = JobResult.objects.select_for_update().filter(job=job).first()
            if payload is not None and payload.purged_at is None and result is not None and result.output:
                pii = job_state_load(job).pii or {}
                originals = {value: token for token, value in (pii.get("mapping") or {}).items()}
                if originals:
                    result.output = _placeholders_back(result.output, originals)
                    result.save(update_fields=["output", "updated_at"])
            JobPayload.objects.filter(job=job).update(raw=b"", working=None, purged_at=now)
            WebhookDelivery.objects.filter(job=job, payload_purged_at__isnull=True).update(
                payload="", payload_purged_at=now
            )
            SubjectIdentifier.objects.filter(job=job).delete()
            JobEvent.objects.create(job=job, type=EventType.SUBJECT_ERASED, data={"reference": reference})
            erased.append(str(job.id))
        record = DataSubjectErasure.objects.create(
            organization=organization,
            reference=reference,
            requested_by=requested_by,
            erased_jobs=erased,
            held_jobs=held,
        )
    return Erasure(record=record, erased=erased, held=held)
