"""A generation request, from the body a producer sent to an accepted job.

The one path every interface takes: REST's POST /api/v1/generations
(jobs/api.py) and GraphQL's createGeneration (jobs/graphql/) check the same
body the same way, in the same order, and submit through `job_submit`, so a
request refused by one is refused by the other with the same code.
"""

from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from common.api import ApiError, ServiceOverloaded
from jobs.serializers import GenerationRequestSerializer
from jobs.services.intake import budget_check, request_fits
from jobs.services.load import should_shed
from jobs.services.submission import Submission, job_submit, request_fingerprint
from prompts.errors import TemplateError
from prompts.resolution import Resolved, template_resolve
from tenants.models import ApiKey
from validation.models import SchemaVersion

IDEMPOTENCY_KEY_MAX_LENGTH = 255


@dataclass(frozen=True)
class CheckedGeneration:
    """A request that passed every intake check: what `generation_submit` needs."""

    body: dict[str, Any]  # as sent: the idempotency fingerprint is over it
    data: dict[str, Any]  # validated by GenerationRequestSerializer
    options: dict[str, Any]
    resolved: Resolved
    idempotency_key: str | None


def generation_request_serializer(*, api_key: ApiKey) -> GenerationRequestSerializer:
    """One serializer to check many bodies with (a batch's lines): building
    its fields costs more than checking a body does."""
    return GenerationRequestSerializer(context={"organization_id": api_key.organization_id})


def generation_validate(
    *, api_key: ApiKey, body: Any, serializer: GenerationRequestSerializer | None = None
) -> tuple[dict[str, Any], dict[str, Any], Resolved]:
    """A request body's own checks: the shape and the kind's input schema,
    the template version that serves it, the customer tier and whether the
    input fits a context window (422s). Returns (data, options, resolved)."""
    if not isinstance(body, dict):
        raise ApiError("The request body must be a JSON object.", code="malformed_json")
    checker = serializer or generation_request_serializer(api_key=api_key)
    data = dict(checker.run_validation(body))  # a ValidationError carries the field details
    options = dict(data.get("options") or {})
    # Which version serves the job (a label may split traffic A/B): the
    # registry decides, after the request is known to be well-formed.
    try:
        resolved = template_resolve(
            template_id=str(data["templateId"].id),
            selector=data.get("templateVersion"),
            parameters=data["parameters"],
            organization_id=api_key.organization_id,
        )
    except TemplateError as exc:
        raise serializers.ValidationError({"templateVersion": [exc.message]}) from None
    request_fits(
        api_key=api_key, kind=resolved.kind, parameters=data["parameters"], max_tokens=options.get("maxTokens")
    )
    return data, options, resolved


def generation_check(*, api_key: ApiKey, body: Any, idempotency_key: str | None) -> CheckedGeneration:
    """Validate a request body and decide whether it may be accepted now:
    the request's own checks (422), load shedding (503) and the month's
    budget (429)."""
    if idempotency_key is not None and len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ApiError("Idempotency-Key must be at most 255 characters.", code="validation_error", status_code=422)
    data, options, resolved = generation_validate(api_key=api_key, body=body)
    if should_shed(options.get("priority", "normal")):
        raise ServiceOverloaded()
    budget_check(api_key=api_key)
    return CheckedGeneration(body=body, data=data, options=options, resolved=resolved, idempotency_key=idempotency_key)


def generation_submit(*, api_key: ApiKey, checked: CheckedGeneration, correlation_id: str) -> Submission:
    """Accept a checked request (or, for a repeated Idempotency-Key with the
    same body, return the job it made the first time)."""
    options = checked.options
    output_schema = checked.data.get("outputSchema")  # inline, or a registered version by name
    return job_submit(
        api_key=api_key,
        kind=checked.resolved.kind,
        parameters=checked.data["parameters"],
        prompt=checked.resolved,
        options={k: v for k, v in options.items() if k not in ("webhookUrl", "priority")},
        priority=options.get("priority", "normal"),
        webhook_url=options.get("webhookUrl", ""),
        output_schema=output_schema if isinstance(output_schema, dict) else None,
        schema_version=output_schema if isinstance(output_schema, SchemaVersion) else None,
        correlation_id=correlation_id,
        idempotency_key=checked.idempotency_key,
        request_hash=request_fingerprint(checked.body),
    )
