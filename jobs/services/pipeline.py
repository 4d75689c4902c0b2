"""The pipeline's stages. Each is small, idempotent and called by one task.

prepare -> assemble -> generate -> validate -> decide -> finalize -> deliver,
with validate -> generate for one round of remediation. See `stages.py` for
how each run is claimed and handed over.
"""

import contextvars
import copy
import logging
import os
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
from typing import Any, TypeVar

import httpx
from django.conf import settings
from django.db import connection
from django.utils import timezone
from jsonschema import Draft202012Validator

from jobs.models import Job, JobResult, Priority, Stage
from jobs.services.events import event_record, job_transition
from jobs.services.stages import (
    StageError,
    TransientStageError,
    inline_stage_run,
    job_mark_started,
    stage_claim,
    stage_complete,
    stage_defer,
    stage_release,
    terminal_stage,
)
from jobs.services.webhooks import webhook_payload, webhook_sign
from llm.budget import governor_level, organization_budget
from llm.cache import cache_forget
from llm.errors import ModelError
from llm.gateway import ModelRequest, complete, decision_for
from llm.ledger import attempts_cost, calls_record
from llm.registry import registry
from llm.routing import RouteDecision, RouteRequest
from llm.tokens import count_tokens
from prompts.rendering import fence_token_for, render_messages, render_version
from prompts.task_kinds import TaskKind, task_kinds
from prompts.taxonomy import taxonomy_candidates, taxonomy_for
from safety.encryption import decrypt_json, encrypt_json
from safety.injection import scan_parameters
from safety.pii import Redactor
from validation.grounding import GroundingReport, ground_extraction, ground_generation
from validation.output import output_validate
from validation.quality import quality_evaluate
from validation.registry import version_validator
from validation.repair import repair_messages
from validation.rules import RuleResult, rules_evaluate
from validation.schemas import schema_validator

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Enumerated parameters, not free text: never redacted.
STRUCTURED_PARAMETERS = frozenset({"locale", "customer_tier"})


def _kind(job: Job) -> TaskKind:
    return task_kinds()[job.task_kind]


def _registered_schema(job: Job, kind: TaskKind) -> dict[str, Any]:
    """The job's schema version from the registry (jobs accepted before it
    existed use the task kind's file)."""
    if job.output_schema_version_id and job.output_schema_version:
        return job.output_schema_version.json_schema
    return kind.output_schema


def _output_schema(job: Job, kind: TaskKind, working: dict[str, Any]) -> dict[str, Any]:
    """The producer's own schema, else the job's narrowed one (a taxonomy
    job's categories), else its registered schema version."""
    if job.output_schema is not None:
        return job.output_schema
    return working.get("outputSchema") or _registered_schema(job, kind)


def _output_validator(job: Job, kind: TaskKind, working: dict[str, Any]) -> Draft202012Validator:
    if job.output_schema is None and not working.get("outputSchema"):
        if job.output_schema_version_id and job.output_schema_version:
            return version_validator(job.output_schema_version)
        return kind.output_validator
    return schema_validator(_output_schema(job, kind, working))


def _taxonomy_choices(job: Job, kind: TaskKind, working: dict[str, Any]) -> None:
    """Taxonomy tagging chooses from the organization's taxonomy (else the
    platform default), narrowed to the job's candidates: listed in the prompt
    and the only paths its output schema allows."""
    if "taxonomy" not in kind.context:
        return
    taxonomy = taxonomy_for(job.organization_id)
    if taxonomy is None:
        return  # no taxonomy imported at all: the kind's built-in list applies
    choices = taxonomy_candidates(taxonomy=taxonomy, parameters=working["input"])
    schema = copy.deepcopy(_registered_schema(job, kind))
    schema["properties"]["categories"]["items"]["properties"]["path"]["enum"] = choices
    working["taxonomy"] = choices
    working["outputSchema"] = schema


def _working(job: Job) -> dict[str, Any]:
    payload = job.payload
    return decrypt_json(payload.working) if payload.working else {}


def _working_save(job: Job, working: dict[str, Any]) -> None:
    payload = job.payload
    payload.working = encrypt_json(working)
    payload.save(update_fields=["working"])


def _release_db_connection() -> None:
    """Give the connection back before slow network I/O. Never inside a
    transaction (the caller's work would be lost), which is also why tests,
    which wrap each test in one, keep theirs."""
    if not connection.in_atomic_block:
        connection.close()


_executor: tuple[int, ThreadPoolExecutor] | None = None


def _call_thread() -> ThreadPoolExecutor:
    """One thread per worker process for slow calls (made after the fork)."""
    global _executor
    if _executor is None or _executor[0] != os.getpid():
        _executor = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="slow-call"))
    return _executor[1]


def _without_db_connection_if_slow(call: Callable[[], T]) -> T:
    """Run `call` (network I/O that never touches the database); if it is
    still running after BEACON_DB_RELEASE_AFTER_MS, close this worker's
    database connection while it finishes. Fast calls keep the connection and
    the next stage skips a reconnect; long ones hold no connection slot."""
    future = _call_thread().submit(contextvars.copy_context().run, call)
    try:
        return future.result(timeout=settings.BEACON_DB_RELEASE_AFTER_MS / 1000)
    except FutureTimeout:
        _release_db_connection()
        return future.result()


def _normalize_text(value: Any) -> Any:
    """NFC-normalize strings and drop control characters (but keep newlines and tabs)."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value)
        # Control and invisible format characters (zero-width joiners, bidi
        # overrides) carry nothing a product text needs and hide attacks.
        return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))
    if isinstance(value, dict):
        return {key: _normalize_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalize_text(item) for item in value]
    return value


# --- prepare ----------------------------------------------------------------
def _injection_check(job: Job, parameters: dict[str, Any]) -> None:
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


def prepare_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        job_transition(job=job, name="start_preparing", save=False)
        job_mark_started(job)
        parameters = decrypt_json(job.payload.raw)
        # PII is redacted here, before anything is rendered or stored: prompts,
        # model calls, events and results see only typed placeholders.
        redactor = Redactor()
        prepared = {key: value if key in STRUCTURED_PARAMETERS else redactor.redact_value(value)
                    for key, value in _normalize_text(parameters).items()}  # fmt: skip
        found = Counter(token.strip("<>").rsplit("_", 1)[0] for token in redactor.mapping)
        if found:
            event_record(job=job, type="pii_redacted", data={"entities": dict(found)})
        _injection_check(job, parameters)
        _working_save(job, {"input": prepared, "fenceToken": fence_token_for(prepared), "pii": redactor.state()})
        return Stage.ASSEMBLE

    return inline_stage_run(job_id=job_id, stage=Stage.PREPARE, work=work)


# --- assemble ---------------------------------------------------------------
def assemble_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        job_transition(job=job, name="start_assembling", save=False)
        working = _working(job)
        _taxonomy_choices(job, _kind(job), working)
        messages = _render(job, working)
        working["messages"] = messages
        working["attempts"] = []
        _working_save(job, working)
        _route(job, messages, escalate=False)
        return Stage.GENERATE

    return inline_stage_run(job_id=job_id, stage=Stage.ASSEMBLE, work=work)


# --- routing ----------------------------------------------------------------
def _max_tokens(job: Job, kind: TaskKind) -> int:
    settings_of_version = _version_metadata(job)
    return int((job.options or {}).get("maxTokens") or settings_of_version.get("maxTokens") or kind.max_tokens)


def _version_metadata(job: Job) -> dict[str, Any]:
    return job.prompt_version.metadata if job.prompt_version_id and job.prompt_version else {}


def _tier(job: Job, kind: TaskKind) -> str:
    return str(_version_metadata(job).get("tier") or kind.tier)


def _temperature(job: Job, kind: TaskKind) -> float:
    options = job.options or {}
    if options.get("temperature") is not None:
        return float(options["temperature"])
    return float(_version_metadata(job).get("temperature", kind.temperature))


def _render(job: Job, working: dict[str, Any], feedback: list[str] | None = None) -> list[dict[str, str]]:
    """The job's prompt: its template version (jobs accepted before the
    registry existed render their task kind's files)."""
    kind = _kind(job)
    extra = {"taxonomy": working["taxonomy"]} if "taxonomy" in working else None
    if job.prompt_version_id:
        return render_version(version=job.prompt_version, kind=kind, parameters=working["input"],
                              fence_token=working["fenceToken"], feedback=feedback, extra_context=extra)  # fmt: skip
    return render_messages(kind=kind, parameters=working["input"], fence_token=working["fenceToken"], feedback=feedback,
                           extra_context=extra)  # fmt: skip


def _route(job: Job, messages: list[dict[str, str]], *, escalate: bool) -> None:
    """Decide which deployments answer the next generation (stored on the job,
    which also picks the generate stage's queue). Budget decisions are events."""
    kind = _kind(job)
    deployments = registry()
    probe = (deployments.tier(_tier(job, kind)) or deployments.enabled())[0]
    input_tokens = count_tokens(probe, messages)
    level, states = governor_level(str(job.organization_id), organization_budget(job.organization_id))
    try:
        decision = decision_for(
            RouteRequest(
                task_kind=job.task_kind,
                default_tier=_tier(job, kind),
                input_tokens=input_tokens,
                max_tokens=_max_tokens(job, kind),
                routing_key=str(job.id),
                customer_tier=job.customer_tier,
                override=(job.options or {}).get("model"),
                escalate=escalate,
                budget_level=level,
            )
        )
    except ModelError as exc:
        error_class = StageError if exc.permanent else TransientStageError
        raise error_class(str(exc), code=exc.code) from exc
    job.routing = {**decision.as_dict(), "inputTokens": input_tokens, "budgetLevel": level}
    if level != "ok":
        event_record(
            job=job, type="budget_degraded", data={"level": level, "tier": decision.tier, **states[0].as_dict()}
        )


# --- generate ---------------------------------------------------------------
def _budget_defers(job: Job) -> dict[str, Any] | None:
    """At the hard limit `low` priority work waits; the budget state when it does."""
    if job.priority != Priority.LOW:
        return None
    level, states = governor_level(str(job.organization_id), organization_budget(job.organization_id))
    if level != "hard":
        return None
    return next(state.as_dict() for state in states if state.level == "hard")


def generate_run(*, job_id: str) -> bool:
    """Claim, call the model with no DB connection held, then complete."""
    started = time.monotonic()

    def on_claim(job: Job) -> None:
        if job.status != "generating":
            job_transition(job=job, name="start_generating", save=False, data={"attempt": job.generation_count + 1})
        job.generation_count += 1

    claim = stage_claim(
        job_id=job_id, stage=Stage.GENERATE, lease_seconds=settings.BEACON_STAGE_LEASE_SECONDS, on_claim=on_claim
    )
    if claim is None:
        return False
    job = claim.job
    deferred = _budget_defers(job)
    if deferred is not None:
        stage_defer(claim=claim, stage=Stage.GENERATE, seconds=settings.LLM_BUDGET_DEFER_SECONDS,
                    event="budget_deferred", data=deferred)  # fmt: skip
        return True
    kind = _kind(job)
    working = _working(job)
    messages = list(working["messages"])
    feedback = working.get("feedback")
    repair = working.get("repair")
    if repair:
        messages = repair_messages(broken=repair["text"], error=repair["error"],
                                   schema=_output_schema(job, kind, working))  # fmt: skip
    elif feedback:
        messages = _render(job, working, feedback)
    options = job.options or {}
    request = ModelRequest(
        messages=messages,
        schema=_output_schema(job, kind, working),
        max_tokens=_max_tokens(job, kind),
        temperature=_temperature(job, kind),
        deadline=job.deadline_at.timestamp() if job.deadline_at else None,
        cache=str(options.get("cache") or "auto"),
    )
    routing = job.routing or {}
    decision = RouteDecision.from_dict(routing) if routing else None

    def ledger(attempts: Any) -> None:
        calls_record(organization_id=job.organization_id, project_id=job.project_id, job_id=job.id,
                     task_kind=job.task_kind, stage=Stage.GENERATE, attempts=attempts,
                     routing_reason={"tier": routing.get("tier"), "reasons": routing.get("reasons", [])})  # fmt: skip

    # A model call can take minutes; it must not pin a database connection.
    try:
        completion = _without_db_connection_if_slow(partial(complete, request, decision))
    except ModelError as exc:
        ledger(exc.attempts)
        failed_cost = attempts_cost(exc.attempts)
        error_class = TransientStageError if not exc.permanent else StageError
        error = error_class(str(exc), code=exc.code)
        if not exc.permanent:
            stage_release(claim=claim, stage=Stage.GENERATE, error=error, cost_usd=failed_cost)
            raise error from exc

        def fail(job: Job) -> str:
            job.cost_usd += failed_cost
            raise error

        stage_complete(claim=claim, stage=Stage.GENERATE, work=fail, started=started)
        return True
    ledger(completion.attempts)

    def work(job: Job) -> str:
        job_transition(job=job, name="start_validating", save=False)
        job.prompt_tokens += completion.prompt_tokens
        job.completion_tokens += completion.completion_tokens
        job.cost_usd += completion.total_cost_usd
        current = _working(job)
        current.setdefault("attempts", []).append(
            {"text": completion.text, "cacheKey": completion.cache_key, "repair": bool(current.pop("repair", None))}
        )
        _working_save(job, current)
        event_record(
            job=job,
            type="model_called",
            data={
                "deployment": completion.deployment,
                "tier": routing.get("tier"),
                "reasons": routing.get("reasons", []),
                "cached": completion.cached,
                "attempts": len(completion.attempts),
                "promptTokens": completion.prompt_tokens,
                "completionTokens": completion.completion_tokens,
                "costUsd": str(completion.total_cost_usd),
                "latencyMs": completion.latency_ms,
                "finishReason": completion.finish_reason,
                "generation": job.generation_count,
            },
        )
        return Stage.VALIDATE

    stage_complete(claim=claim, stage=Stage.GENERATE, work=work, started=started)
    return True


# --- validate ---------------------------------------------------------------
def _check_error(result: RuleResult) -> dict[str, Any]:
    message = result.message + (f" (fix: {result.fix})" if result.fix else "")
    return {"path": result.path, "message": message, "value": result.values[0] if result.values else None,
            "rule": result.rule}  # fmt: skip


def _checks(job: Job, kind: TaskKind, output: Any, working: dict[str, Any]) -> list[RuleResult]:
    """The schema version's semantic rules and quality checks, as one trace."""
    tables = {"taxonomy": working["taxonomy"]} if "taxonomy" in working else {}
    locale = str(working["input"].get("locale", "en-US"))
    version = job.output_schema_version if job.output_schema_version_id else None
    rules, quality = (version.rules, version.quality) if version else (list(kind.rules), kind.quality)
    return rules_evaluate(rules, output, tables) + quality_evaluate(quality, output, locale=locale)


def _grounding(kind: TaskKind, output: Any, parameters: dict[str, Any]) -> GroundingReport | None:
    if kind.output_kind == "extraction":
        return ground_extraction(output, parameters)
    if kind.output_kind == "generation":
        return ground_generation(output, parameters)
    return None


def _accept_grounded(kind: TaskKind, output: Any, grounding: GroundingReport) -> tuple[Any, bool, list[str]]:
    """Partial acceptance. Extraction: ungrounded fields become "not stated"
    (null value and evidence) and are listed. Generation: a claim cannot be
    cut out of prose, so the text is kept, flagged, with its unsupported
    claims in the report, for review to decide (the decide stage)."""
    if kind.output_kind != "extraction":
        return output, True, []
    accepted = copy.deepcopy(output)
    dropped = []
    for failed in grounding.ungrounded:
        node = accepted
        for part in re.findall(r"[^.\[\]]+", failed.field):
            node = node[int(part)] if isinstance(node, list) else node[part]
        node["value"], node["evidence"] = None, None
        dropped.append(failed.field)
    return accepted, True, dropped


def validate_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        kind = _kind(job)
        working = _working(job)
        text = working["attempts"][-1]["text"]
        report = output_validate(text=text, validator=_output_validator(job, kind, working))
        if working["attempts"][-1].get("repair") and report.parse_pass is not None:
            report.parse_pass = "repaired"  # noqa: S105 - a pass name, not a secret
            report.parse_changes.append("a repair call to the small tier restated the output as JSON")
        trace = _checks(job, kind, report.parsed, working) if report.valid else []
        failed_checks = [r for r in trace if not r.passed and not r.kind.endswith(":warn")]
        if failed_checks:
            report.valid = False
            report.errors = [_check_error(r) for r in failed_checks]
        grounding = _grounding(kind, report.parsed, working["input"]) if report.valid else None
        if grounding is not None and grounding.ungrounded:
            report.valid = False
            report.errors = [{"path": r.field, "message": r.reason, "value": None, "rule": "grounding"}
                             for r in grounding.ungrounded]  # fmt: skip
        # Under the job's lock: no one else creates this row meanwhile.
        result = JobResult.objects.filter(job=job).first() or JobResult(job=job)
        result.validation = {**report.as_dict(), "generation": job.generation_count}
        if grounding is not None:
            result.validation["grounding"] = grounding.as_dict()
        if trace:
            result.validation["trace"] = [r.as_dict() for r in trace]
            result.validation["warnings"] = [r.message for r in trace if not r.passed and r.kind.endswith(":warn")]
        adding = result._state.adding  # saved with one INSERT, not an UPDATE that misses first
        if report.valid:
            result.output = report.parsed
            result.save(force_insert=adding)
            return Stage.DECIDE
        result.save(force_insert=adding)
        if report.refusal is not None:
            # The refusal contract: the model declined, and asking again with
            # feedback would only pressure it. Recorded as such, not retried.
            event_record(job=job, type="refusal", data={"reason": report.refusal, "generation": job.generation_count})
            raise StageError(f"the model declined: {report.refusal}", code="refused")
        if working["attempts"][-1].get("cacheKey"):
            cache_forget(working["attempts"][-1]["cacheKey"])  # only valid outputs stay cached
        unparsed = report.parse_pass is None and not working["attempts"][-1].get("repair")
        if unparsed and job.generation_count < settings.BEACON_MAX_GENERATIONS:
            # Parsing pass 3: ask the small tier to restate the text as JSON.
            working["repair"] = {"text": text, "error": report.errors[0]["message"] if report.errors else ""}
            _working_save(job, working)
            event_record(job=job, type="repair_requested", data={"generation": job.generation_count})
            return Stage.GENERATE
        if job.generation_count < settings.BEACON_MAX_GENERATIONS:
            working["feedback"] = report.feedback()
            _working_save(job, working)
            escalate = job.generation_count >= settings.LLM_ESCALATE_AFTER_FAILURES
            if escalate or not job.routing:
                _route(job, working["messages"], escalate=escalate)
            data = {"errors": len(report.errors), "generation": job.generation_count,
                    "ungrounded": len(grounding.ungrounded) if grounding else 0}  # fmt: skip
            event_record(job=job, type="remediation", data=data)
            return Stage.GENERATE
        if grounding is not None:
            # Out of generations, and only grounding failed: keep what is grounded.
            result.output, result.validation["partial"], dropped = _accept_grounded(kind, report.parsed, grounding)
            result.validation["dropped"] = dropped
            result.save()
            event_record(job=job, type="partially_accepted", data={"dropped": dropped, "flagged": not dropped})
            return Stage.DECIDE
        raise StageError(
            f"the model's output failed validation after {job.generation_count} generations",
            code="output_invalid",
        )

    return inline_stage_run(job_id=job_id, stage=Stage.VALIDATE, work=work)


# --- decide -----------------------------------------------------------------
def decide_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        # Every validated output is approved for now; risk routing to human
        # review plugs in here and sends the job to `reviewing` instead.
        event_record(job=job, type="decided", data={"route": "auto_approve", "riskScore": 0.0})
        return Stage.FINALIZE

    return inline_stage_run(job_id=job_id, stage=Stage.DECIDE, work=work)


# --- finalize ---------------------------------------------------------------
def _restore_pii(job: Job) -> None:
    """Put redacted values back into the output, for task kinds whose output
    is meant to carry them (kind.json `restore_pii`); the stored prompts and
    events keep the placeholders."""
    result = JobResult.objects.filter(job=job).first()
    pii = _working(job).get("pii")
    if result is None or result.output is None or not pii:
        return
    result.output = Redactor.from_state(pii).restore(result.output)
    result.save(update_fields=["output", "updated_at"])


def finalize_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        if _kind(job).restore_pii:
            _restore_pii(job)
        job.finished_at = timezone.now()
        job_transition(
            job=job,
            name="complete",
            save=False,
            data={"costUsd": str(job.cost_usd), "generations": job.generation_count},
        )
        return terminal_stage(job)

    return inline_stage_run(job_id=job_id, stage=Stage.FINALIZE, work=work)


# --- deliver ----------------------------------------------------------------
def deliver_run(*, job_id: str) -> bool:
    """POST the job to its webhook URL, signed per Standard Webhooks.

    Delivery is at least once: a receiver dedupes on `webhook-id`.
    """
    started = time.monotonic()
    claim = stage_claim(job_id=job_id, stage=Stage.DELIVER, lease_seconds=120, on_claim=lambda job: None)
    if claim is None:
        return False
    job = claim.job
    message_id = f"msg_{job.id.hex}_{job.status}"
    body = webhook_payload(job=job)
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_sign(
            secret=job.project.webhook_secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
    try:
        response = _without_db_connection_if_slow(
            partial(
                httpx.post,
                job.webhook_url,
                content=body,
                headers=headers,
                timeout=settings.BEACON_WEBHOOK_TIMEOUT_SECONDS,
            )
        )
        status_code: int | None = response.status_code
    except httpx.HTTPError as exc:
        status_code = None
        error_name = type(exc).__name__
    if status_code is None or status_code >= 300:
        error = TransientStageError(f"webhook receiver answered {status_code or error_name}", code="webhook_failed")
        stage_release(claim=claim, stage=Stage.DELIVER, error=error)
        raise error

    def work(job: Job) -> str:
        event_record(
            job=job,
            type="webhook_delivered",
            data={"webhookId": message_id, "status": status_code, "attempt": job.stage_attempt},
        )
        return Stage.DONE

    stage_complete(claim=claim, stage=Stage.DELIVER, work=work, started=started)
    return True
