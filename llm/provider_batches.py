"""Deferrable calls through a provider's batch API, at the batch price.

A call whose job can wait (routing sets `RouteDecision.provider_batch`) is
not sent at once: `batch_request_enqueue` stores it as a pending
ProviderBatchRequest. Beat then does the rest, with no job code involved:

* `provider_batches_submit` collects each batch deployment's pending
  requests into one provider batch when there are enough of them
  (LLM_PROVIDER_BATCH_SIZE) or the oldest has waited long enough
  (LLM_PROVIDER_BATCH_MAX_WAIT_SECONDS): upload the JSONL file, create the
  batch. A failed submission puts the requests back; one that failed
  LLM_PROVIDER_BATCH_SUBMIT_ATTEMPTS times is failed, so its caller goes online.
* `provider_batches_poll` asks for each submitted batch's status and, once
  it ended, reads its output and error files: answered requests are
  completed, every other one failed (a line in the error file, an expired or
  failed batch, a line missing from the output).

Each settled request's job is told through the `requests_settled` signal
(the jobs app listens and wakes the job's generate stage), so `llm` never
imports `jobs`. The caller reads its request with `batch_request_of` and turns
an answer into an ordinary Completion (`batch_completion`), priced at the
batch rate; a failed or late request means the online route, before the
job's deadline. Requests are keyed by a `custom_id` unique per job and
generation, so asking twice never submits twice.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from llm.adapters import messages_for, response_format_for
from llm.gateway import Attempt, Completion, ModelRequest
from llm.models import ProviderBatch, ProviderBatchRequest
from llm.openai_batches import BatchApiError, OpenAIBatchClient
from llm.pricing import call_cost
from llm.prompt_cache import cache_hints
from llm.registry import Deployment, registry

logger = logging.getLogger(__name__)

# Sent after commit with `job_ids`: their requests were answered or failed.
requests_settled = Signal()

ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
Status = ProviderBatchRequest.Status


def provider_model(deployment: Deployment) -> str:
    """The model name the provider knows: LiteLLM's string without its
    provider prefix ("openai/gpt-4o-mini" -> "gpt-4o-mini")."""
    return deployment.model.split("/", 1)[1] if "/" in deployment.model else deployment.model


def request_body(deployment: Deployment, request: ModelRequest) -> dict[str, Any]:
    """The chat-completions body the online call would send."""
    body: dict[str, Any] = {
        "model": provider_model(deployment),
        "messages": cache_hints(deployment, messages_for(request.messages, system_prompt=deployment.system_prompt)),
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    response_format = response_format_for(deployment.json_mode, request.schema)
    if response_format is not None:
        body["response_format"] = response_format
    return body


def batch_request_enqueue(
    *, organization_id: Any, job_id: Any, custom_id: str, deployment: Deployment, request: ModelRequest
) -> ProviderBatchRequest:
    """Store a call for the next batch; the existing request when asked again."""
    row, _ = ProviderBatchRequest.objects.get_or_create(
        custom_id=custom_id,
        defaults={
            "organization_id": organization_id,
            "job_id": job_id,
            "deployment": deployment.name,
            "body": request_body(deployment, request),
        },
    )
    return row


def batch_request_of(custom_id: str) -> ProviderBatchRequest | None:
    return ProviderBatchRequest.objects.filter(custom_id=custom_id).first()


def batch_request_abandon(*, custom_id: str) -> bool:
    """Stop waiting for a request (its caller goes online): a pending one is
    never submitted, a submitted one's answer is ignored. False when it had
    already settled (then its answer, or its failure, stands)."""
    return bool(
        ProviderBatchRequest.objects.filter(custom_id=custom_id, status__in=(Status.PENDING, Status.SUBMITTED)).update(
            status=Status.ABANDONED, finished_at=timezone.now()
        )
    )


def batch_completion(row: ProviderBatchRequest) -> Completion:
    """A completed request as the gateway's Completion, priced at the batch rate."""
    deployment = registry().get(row.deployment)
    cost = call_cost(
        deployment,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        latency_ms=0,
        cached_tokens=row.cached_tokens,
        batched=True,
    )
    attempt = Attempt(
        deployment=deployment.name,
        model=deployment.model,
        tier=deployment.tier,
        outcome="ok",
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        cached_tokens=row.cached_tokens,
        cost_usd=cost,
        batched=True,
        region=deployment.region,
    )
    return Completion(
        text=row.text,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        latency_ms=0,
        deployment=deployment.name,
        finish_reason=row.finish_reason or None,
        cost_usd=cost,
        attempts=(attempt,),
    )


def _client(deployment: Deployment) -> OpenAIBatchClient:
    base = deployment.resolved_api_base
    if not base:
        raise BatchApiError(f"deployment {deployment.name} has no api_base", transient=False)
    return OpenAIBatchClient(api_base=base, api_key=deployment.api_key)


def _notify(job_ids: Iterable[Any]) -> None:
    ids = [str(job_id) for job_id in job_ids if job_id is not None]
    if ids:
        transaction.on_commit(lambda: requests_settled.send(sender=ProviderBatchRequest, job_ids=ids))


# --- submitting --------------------------------------------------------------


def provider_batches_submit(*, force: bool = False) -> int:
    """Submit each batch deployment's pending requests when they are due;
    returns how many batches were created."""
    created = 0
    for deployment in registry().deployments:
        if deployment.batch_api and deployment.enabled:
            while _submit_one(deployment, force=force):
                created += 1
    return created


def _due(deployment: Deployment, *, force: bool) -> bool:
    pending = ProviderBatchRequest.objects.filter(deployment=deployment.name, status=Status.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None:
        return False
    if force or oldest <= timezone.now() - timedelta(seconds=settings.LLM_PROVIDER_BATCH_MAX_WAIT_SECONDS):
        return True
    return pending.count() >= settings.LLM_PROVIDER_BATCH_SIZE


def _submit_one(deployment: Deployment, *, force: bool) -> bool:
    if not _due(deployment, force=force):
        return False
    with transaction.atomic():
        rows = list(
            ProviderBatchRequest.objects.select_for_update(skip_locked=True)
            .filter(deployment=deployment.name, status=Status.PENDING)
            .order_by("created_at")
            .only("id", "custom_id", "body")[: settings.LLM_PROVIDER_BATCH_MAX_REQUESTS]
        )
        if not rows:
            return False
        batch = ProviderBatch.objects.create(deployment=deployment.name, request_count=len(rows))
        ProviderBatchRequest.objects.filter(id__in=[r.id for r in rows]).update(status=Status.SUBMITTED, batch=batch)
    lines = [{"custom_id": r.custom_id, "method": "POST", "url": "/v1/chat/completions", "body": r.body} for r in rows]
    try:
        with _client(deployment) as client:
            batch.input_file_id = client.file_upload(lines=lines, name=f"beacon-{batch.id}.jsonl")
            status = client.batch_create(input_file_id=batch.input_file_id, metadata={"beacon_batch": str(batch.id)})
    except BatchApiError as exc:
        logger.warning("submitting %d requests to %s failed: %s", len(rows), deployment.name, exc)
        _submission_failed(batch, str(exc))
        return False  # try again on the next beat, not in a loop now
    batch.provider_batch_id = status.id
    batch.status = ProviderBatch.Status.SUBMITTED
    batch.save(update_fields=["input_file_id", "provider_batch_id", "status"])
    logger.info("submitted provider batch %s to %s with %d requests", status.id, deployment.name, len(rows))
    return True


def _submission_failed(batch: ProviderBatch, error: str) -> None:
    """Put the requests back for the next try; fail those out of tries."""
    with transaction.atomic():
        batch.status = ProviderBatch.Status.FAILED
        batch.error = error[:500]
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "error", "finished_at", "input_file_id"])
        mine = ProviderBatchRequest.objects.filter(batch=batch, status=Status.SUBMITTED)
        spent = list(
            mine.filter(submit_attempts__gte=settings.LLM_PROVIDER_BATCH_SUBMIT_ATTEMPTS - 1).values_list(
                "job_id", flat=True
            )
        )
        mine.filter(submit_attempts__gte=settings.LLM_PROVIDER_BATCH_SUBMIT_ATTEMPTS - 1).update(
            status=Status.FAILED, error_code="batch_submit_failed", finished_at=timezone.now()
        )
        mine.update(status=Status.PENDING, batch=None, submit_attempts=F("submit_attempts") + 1)
        _notify(spent)


# --- polling -----------------------------------------------------------------


def provider_batches_poll() -> int:
    """Read the status of submitted batches not polled for a while; settle
    the ended ones. Returns how many ended."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.LLM_PROVIDER_BATCH_POLL_SECONDS)
    due = ProviderBatch.objects.filter(status=ProviderBatch.Status.SUBMITTED).exclude(polled_at__gt=stale)
    ended = 0
    for batch in due.order_by("polled_at", "created_at")[:100]:
        try:
            deployment = registry().get(batch.deployment)
        except KeyError:
            _batch_settle(batch, status="failed", answers={}, errors={}, error="deployment no longer registered")
            ended += 1
            continue
        try:
            with _client(deployment) as client:
                status = client.batch_get(batch.provider_batch_id)
                if status.status not in ENDED:
                    ProviderBatch.objects.filter(id=batch.id).update(polled_at=now)
                    continue
                answers = _lines_by_id(client, status.output_file_id)
                errors = _lines_by_id(client, status.error_file_id)
        except BatchApiError as exc:
            logger.warning("polling provider batch %s failed: %s", batch.provider_batch_id, exc)
            ProviderBatch.objects.filter(id=batch.id).update(polled_at=now)
            continue
        _batch_settle(batch, status=status.status, answers=answers, errors=errors)
        ended += 1
    _submissions_reclaim()
    return ended


def _lines_by_id(client: OpenAIBatchClient, file_id: str | None) -> dict[str, dict[str, Any]]:
    if not file_id:
        return {}
    return {str(line["custom_id"]): line for line in client.file_lines(file_id) if line.get("custom_id")}


def _answer(line: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of a completed request from an output line, None when the
    line carries no usable answer (an error, a non-200 status, no choice)."""
    response = line.get("response") or {}
    if line.get("error") or response.get("status_code") != 200:
        return None
    body = response.get("body") or {}
    choices = body.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return None
    message = choices[0].get("message") or {}
    usage = body.get("usage") or {}
    details = usage.get("prompt_tokens_details") or {}
    return {
        "text": str(message.get("content") or ""),
        "finish_reason": str(choices[0].get("finish_reason") or "")[:32],
        "prompt_tokens": int(usage.get("prompt_tokens") or 0),
        "completion_tokens": int(usage.get("completion_tokens") or 0),
        "cached_tokens": int(details.get("cached_tokens") or 0),
    }


def _error_code(line: dict[str, Any] | None, batch_status: str) -> str:
    if line is None:
        return f"batch_{batch_status}" if batch_status != "completed" else "batch_missing_line"
    error = line.get("error") or ((line.get("response") or {}).get("body") or {}).get("error") or {}
    code = error.get("code") if isinstance(error, dict) else None
    return f"batch_error:{code}"[:64] if code else "batch_error"


def _batch_settle(
    batch: ProviderBatch,
    *,
    status: str,
    answers: dict[str, dict[str, Any]],
    errors: dict[str, dict[str, Any]],
    error: str = "",
) -> None:
    """Complete the answered requests and fail the rest, in one transaction.
    Only requests still waiting change: an abandoned one stays abandoned."""
    now = timezone.now()
    with transaction.atomic():
        waiting = list(
            ProviderBatchRequest.objects.select_for_update()
            .filter(batch=batch, status=Status.SUBMITTED)
            .only("id", "custom_id", "job_id")
        )
        for row in waiting:
            line = answers.get(row.custom_id)
            answer = _answer(line) if line is not None else None
            if answer is not None:
                ProviderBatchRequest.objects.filter(id=row.id).update(
                    status=Status.COMPLETED, finished_at=now, **answer
                )
            else:
                code = _error_code(line or errors.get(row.custom_id), status)
                ProviderBatchRequest.objects.filter(id=row.id).update(
                    status=Status.FAILED, error_code=code, finished_at=now
                )
        batch.status = status if status in ProviderBatch.Status.values else ProviderBatch.Status.FAILED
        batch.error = error[:500]
        batch.polled_at = batch.finished_at = now
        batch.save(update_fields=["status", "error", "polled_at", "finished_at"])
        _notify(row.job_id for row in waiting)
    logger.info("provider batch %s ended %s: %d answered", batch.provider_batch_id, status, len(answers))


def _submissions_reclaim() -> None:
    """A worker that died between claiming requests and hearing back from the
    provider left a batch `submitting`: put its requests back after a while.
    (If the provider did create that batch, its answers are never read; the
    requests run again in a new one.)"""
    cutoff = timezone.now() - timedelta(seconds=settings.LLM_PROVIDER_BATCH_SUBMIT_TIMEOUT_SECONDS)
    for batch in ProviderBatch.objects.filter(status=ProviderBatch.Status.SUBMITTING, created_at__lt=cutoff)[:100]:
        _submission_failed(batch, "the submission never finished")
