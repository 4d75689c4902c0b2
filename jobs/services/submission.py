"""Accepting a job: one transaction, then the first stage's message.

`Idempotency-Key` follows Stripe: the same key with the same body returns the
original job; the same key with another body is a conflict; keys live at least
BEACON_IDEMPOTENCY_TTL_HOURS per organization. Two concurrent requests with
one key race on a unique constraint: the loser's insert waits for the winner's
commit, fails, rolls back its own job and returns the winner's.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.api import Conflict
from jobs.models import EventType, IdempotencyRecord, Job, JobPayload, Stage
from jobs.services.events import event_record
from jobs.services.intake import customer_tier_of
from jobs.services.publishing import stage_publish_on_commit
from prompts.resolution import template_resolve
from prompts.task_kinds import TaskKind
from safety.encryption import encrypt_json
from tenants.models import ApiKey
from validation.models import SchemaVersion
from validation.registry import schema_version_for


@dataclass(frozen=True)
class Submission:
    job: Job
    created: bool  # False when an idempotent replay returned an existing job


def request_fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotent_job(*, api_key: ApiKey, key: str, request_hash: str) -> Job | None:
    cutoff = timezone.now() - timedelta(hours=settings.BEACON_IDEMPOTENCY_TTL_HOURS)
    record = (
        IdempotencyRecord.objects.select_related("job")
        .filter(organization_id=api_key.organization_id, key=key, created_at__gte=cutoff)
        .first()
    )
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body.",
            code="idempotency_key_reused",
        )
    return record.job


def job_submit(
    *,
    api_key: ApiKey,
    kind: TaskKind,
    parameters: dict[str, Any],
    options: dict[str, Any],
    priority: str,
    webhook_url: str,
    output_schema: dict[str, Any] | None,
    correlation_id: str,
    idempotency_key: str | None,
    request_hash: str,
    prompt: Any = None,
    schema_version: SchemaVersion | None = None,
) -> Submission:
    if idempotency_key:
        existing = _idempotent_job(api_key=api_key, key=idempotency_key, request_hash=request_hash)
        if existing is not None:
            return Submission(job=existing, created=False)
    try:
        with transaction.atomic():
            job = _job_create(
                api_key=api_key,
                kind=kind,
                parameters=parameters,
                options=options,
                priority=priority,
                webhook_url=webhook_url,
                output_schema=output_schema,
                correlation_id=correlation_id,
                prompt=prompt,
                schema_version=schema_version,
            )
            if idempotency_key:
                cutoff = timezone.now() - timedelta(hours=settings.BEACON_IDEMPOTENCY_TTL_HOURS)
                IdempotencyRecord.objects.filter(
                    organization_id=api_key.organization_id, key=idempotency_key, created_at__lt=cutoff
                ).delete()
                IdempotencyRecord.objects.create(
                    organization_id=api_key.organization_id, key=idempotency_key, request_hash=request_hash, job=job
                )
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = _idempotent_job(api_key=api_key, key=idempotency_key, request_hash=request_hash)
        if existing is None:
            raise
        return Submission(job=existing, created=False)
    return Submission(job=job, created=True)


def _job_create(
    *,
    api_key: ApiKey,
    kind: TaskKind,
    parameters: dict[str, Any],
    options: dict[str, Any],
    priority: str,
    webhook_url: str,
    output_schema: dict[str, Any] | None,
    correlation_id: str,
    prompt: Any = None,
    schema_version: SchemaVersion | None = None,
) -> Job:
    """`prompt` is the resolved template version (prompts.resolution.Resolved);
    without one the job renders its task kind's production version."""
    if prompt is None:
        prompt = template_resolve(
            template_id=kind.name, selector=None, parameters=parameters, organization_id=api_key.organization_id
        )
    job = job_build(
        api_key=api_key,
        kind=kind,
        parameters=parameters,
        options=options,
        priority=priority,
        webhook_url=webhook_url,
        output_schema=output_schema,
        correlation_id=correlation_id,
        prompt=prompt,
        schema_version=schema_version,
    )
    stage_publish_on_commit(job=job, stage=Stage.PREPARE)
    job.save(force_insert=True)
    JobPayload.objects.create(job=job, raw=encrypt_json(parameters))
    event_record(
        job=job, type=EventType.SUBMITTED, to_status=job.status, data=submitted_data(job, prompt), notify=False
    )
    return job


def job_build(
    *,
    api_key: ApiKey,
    kind: TaskKind,
    parameters: dict[str, Any],
    options: dict[str, Any],
    priority: str,
    webhook_url: str,
    output_schema: dict[str, Any] | None,
    correlation_id: str,
    prompt: Any,
    schema_version: SchemaVersion | None = None,
) -> Job:
    """The unsaved Job a checked request becomes (one submission, or a batch's line)."""
    assert api_key.project_id is not None, "API keys always carry a project"
    return Job(
        organization_id=api_key.organization_id,
        project_id=api_key.project_id,
        api_key=api_key,
        task_kind=kind.name,
        template_version=prompt.version.version,
        prompt_version=prompt.version,
        prompt_label=prompt.label,
        # A registered schema the request named, else the one the template version pinned.
        output_schema_version=schema_version or schema_version_for(prompt.version, kind.name),
        priority=priority,
        options=options,
        output_schema=output_schema,
        webhook_url=webhook_url,
        correlation_id=correlation_id,
        customer_tier=customer_tier_of(api_key=api_key, parameters=parameters),
        deadline_at=timezone.now()
        + timedelta(seconds=int(options.get("deadlineSeconds") or settings.BEACON_JOB_DEADLINE_SECONDS)),
        stage=Stage.PREPARE,
    )


def submitted_data(job: Job, prompt: Any) -> dict[str, Any]:
    """The `submitted` event's data."""
    return {
        "taskKind": job.task_kind,
        "template": prompt.template.name,
        "templateVersion": prompt.version.version,
        "label": prompt.label,
        "priority": job.priority,
    }
