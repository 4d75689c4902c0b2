"""The pipeline's stages. Each is small, idempotent and called by one task.

prepare -> assemble -> generate -> validate -> decide -> finalize -> deliver,
with validate -> generate for a repair call or a remediation round (at most
BEACON_MAX_GENERATIONS generations). See `stages.py` for how each run is
claimed and handed over; the work each stage delegates lives beside it
(`preparation`, `job_settings`, `model_routing`, `slow_io`, `output_checks`).
"""

import json
import logging
import time
from collections import Counter
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone

from jobs.models import EventType, Job, JobResult, Stage
from jobs.ports import review_port
from jobs.services.answers import NO_MODEL_CODES, answer_build, delivered_errors, fallback_answer, nothing_delivered
from jobs.services.events import event_record, job_transition
from jobs.services.job_settings import (
    extraction_plan_apply,
    max_tokens_of,
    model_schema_of,
    model_validator_of,
    moderation_plan_apply,
    output_validator_of,
    prompt_render,
    task_kind_of,
    taxonomy_choices_apply,
    temperature_of,
    working_of,
    working_save,
)
from jobs.services.model_routing import budget_defers, job_route
from jobs.services.output_checks import (
    check_error,
    grounded_accept,
    output_checks,
    output_grounding,
    pii_restore,
    unsupported_cut,
)
from jobs.services.preparation import STRUCTURED_PARAMETERS, input_normalize
from jobs.services.safety_checks import injection_check, input_policy_check, output_safety, precheck_disagreement
from jobs.services.slow_io import without_db_connection_if_slow
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
from jobs.services.webhooks import deliveries_create
from llm.cache import cache_forget
from llm.errors import ModelError
from llm.gateway import ModelRequest, complete
from llm.ledger import attempts_cost, calls_record
from llm.routing import RouteDecision
from prompts.experiments import label_in_experiment
from prompts.rendering import fence_token_for
from prompts.task_kinds import TaskKind
from safety.canary import canary_for
from safety.encryption import decrypt_json
from safety.pii import Redactor
from validation.grounding import GroundingReport
from validation.output import output_validate
from validation.repair import repair_messages

logger = logging.getLogger(__name__)


# --- prepare ----------------------------------------------------------------


def prepare_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        job_transition(job=job, name="start_preparing", save=False)
        job_mark_started(job)
        parameters = decrypt_json(job.payload.raw)
        # PII is redacted here, before anything is rendered or stored: prompts,
        # model calls, events and results see only typed placeholders.
        redactor = Redactor()
        prepared = {
            key: value if key in STRUCTURED_PARAMETERS else redactor.redact_value(value)
            for key, value in input_normalize(parameters).items()
        }
        found = Counter(token.strip("<>").rsplit("_", 1)[0] for token in redactor.mapping)
        if found:
            event_record(job=job, type=EventType.PII_REDACTED, data={"entities": dict(found)})
        kind = task_kind_of(job)
        working: dict[str, Any] = {}
        reasons: list[dict[str, Any]] = []
        prepared = injection_check(job, kind, parameters, prepared, reasons)
        input_policy_check(job, kind, prepared, working, reasons)
        scope = str(job.organization_id)
        working.update(
            {
                "input": prepared,
                "fenceToken": fence_token_for(prepared, scope=scope),
                "canary": canary_for(prepared, scope=scope),
                "pii": redactor.state(),
                "reviewReasons": reasons,
            }
        )
        working_save(job, working)
        return Stage.ASSEMBLE

    return inline_stage_run(job_id=job_id, stage=Stage.PREPARE, work=work)


# --- assemble ---------------------------------------------------------------
def assemble_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        job_transition(job=job, name="start_assembling", save=False)
        working = working_of(job)
        kind = task_kind_of(job)
        taxonomy_choices_apply(job, kind, working)
        extraction_plan_apply(job, kind, working)
        moderation_plan_apply(job, kind, working)
        messages = prompt_render(job, working)
        working["messages"] = messages
        working["attempts"] = []
        working_save(job, working)
        job_route(job, messages, escalate=False)
        return Stage.GENERATE

    return inline_stage_run(job_id=job_id, stage=Stage.ASSEMBLE, work=work)


# --- routing ----------------------------------------------------------------


# --- generate ---------------------------------------------------------------


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
    deferred = budget_defers(job)
    if deferred is not None:
        stage_defer(
            claim=claim,
            stage=Stage.GENERATE,
            seconds=settings.LLM_BUDGET_DEFER_SECONDS,
            event=EventType.BUDGET_DEFERRED,
            data=deferred,
        )
        return True
    kind = task_kind_of(job)
    working = working_of(job)
    messages = list(working["messages"])
    feedback = working.get("feedback")
    repair = working.get("repair")
    if repair:
        messages = repair_messages(
            broken=repair["text"], error=repair["error"], schema=model_schema_of(job, kind, working)
        )
    elif feedback:
        messages = prompt_render(job, working, feedback)
    options = job.options or {}
    request = ModelRequest(
        messages=messages,
        schema=model_schema_of(job, kind, working),
        max_tokens=max_tokens_of(job, kind),
        temperature=temperature_of(job, kind),
        cache_scope=str(job.organization_id),
        deadline=job.deadline_at.timestamp() if job.deadline_at else None,
        cache=str(options.get("cache") or "auto"),
    )
    routing = job.routing or {}
    decision = RouteDecision.from_dict(routing) if routing else None

    def ledger(attempts: Any) -> None:
        calls_record(
            organization_id=job.organization_id,
            project_id=job.project_id,
            job_id=job.id,
            task_kind=job.task_kind,
            stage=Stage.GENERATE,
            attempts=attempts,
            routing_reason={"tier": routing.get("tier"), "reasons": routing.get("reasons", [])},
        )

    # A model call can take minutes; it must not pin a database connection.
    try:
        completion = without_db_connection_if_slow(partial(complete, request, decision))
    except ModelError as exc:
        ledger(exc.attempts)
        failed_cost = attempts_cost(exc.attempts)
        fallback = fallback_answer(working) if exc.permanent or exc.code in NO_MODEL_CODES else None
        code = exc.code
        if fallback is not None:
            # No model answers, but the job has an answer of Beacon's own
            # (retrieval's first category, the strongest extraction cues).
            def use_fallback(job: Job) -> str:
                job.cost_usd += failed_cost
                job_transition(job=job, name="start_validating", save=False)
                current = working_of(job)
                current.setdefault("attempts", []).append(
                    {"text": json.dumps(fallback), "cacheKey": None, "repair": False, "fallback": True}
                )
                working_save(job, current)
                event_record(
                    job=job, type=EventType.MODEL_FALLBACK, data={"code": code, "generation": job.generation_count}
                )
                return Stage.VALIDATE

            stage_complete(claim=claim, stage=Stage.GENERATE, work=use_fallback, started=started)
            return True
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
        current = working_of(job)
        current.setdefault("attempts", []).append(
            {"text": completion.text, "cacheKey": completion.cache_key, "repair": bool(current.pop("repair", None))}
        )
        working_save(job, current)
        event_record(
            job=job,
            type=EventType.MODEL_CALLED,
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


def validate_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        kind = task_kind_of(job)
        working = working_of(job)
        text = working["attempts"][-1]["text"]
        report = output_validate(text=text, validator=model_validator_of(job, kind, working))
        if working["attempts"][-1].get("repair") and report.parse_pass is not None:
            report.parse_pass = "repaired"  # noqa: S105 - a pass name, not a secret
            report.parse_changes.append("a repair call to the small tier restated the output as JSON")
        answer = None
        if report.valid and "modelSchema" in working:
            # The model answered the smaller question; Beacon builds the output.
            answer = report.parsed
            report.parsed = answer_build(answer, working)
            report.errors = delivered_errors(report.parsed, output_validator_of(job, kind, working))
            report.valid = not report.errors
        trace = output_checks(job, kind, report.parsed, working) if report.valid else []
        failed_checks = [r for r in trace if not r.passed and not r.kind.endswith(":warn")]
        if failed_checks:
            report.valid = False
            report.errors = [check_error(r) for r in failed_checks]
        grounding = output_grounding(kind, report.parsed, working["input"]) if report.valid else None
        if grounding is not None and grounding.ungrounded:
            report.valid = False
            report.errors = [
                {"path": r.field, "message": r.reason, "value": None, "rule": "grounding"} for r in grounding.ungrounded
            ]
        # Under the job's lock: no one else creates this row meanwhile.
        result = JobResult.objects.filter(job=job).first() or JobResult(job=job)
        result.validation = {**report.as_dict(), "generation": job.generation_count}
        if answer is not None:
            result.validation["answer"] = answer
        if working["attempts"][-1].get("fallback"):
            result.validation["fallback"] = True
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
        if working["attempts"][-1].get("cacheKey"):
            # Only valid outputs stay cached: a cached refusal would answer
            # every later identical request without asking the model.
            cache_forget(working["attempts"][-1]["cacheKey"])
        if report.refusal is not None:
            # The refusal contract: the model declined, and asking again with
            # feedback would only pressure it. Recorded as such, not retried.
            event_record(
                job=job, type=EventType.REFUSAL, data={"reason": report.refusal, "generation": job.generation_count}
            )
            raise StageError(f"the model declined: {report.refusal}", code="refused")
        unparsed = report.parse_pass is None and not working["attempts"][-1].get("repair")
        if unparsed and job.generation_count < settings.BEACON_MAX_GENERATIONS:
            # Parsing pass 3: ask the small tier to restate the text as JSON.
            working["repair"] = {"text": text, "error": report.errors[0]["message"] if report.errors else ""}
            working_save(job, working)
            event_record(job=job, type=EventType.REPAIR_REQUESTED, data={"generation": job.generation_count})
            return Stage.GENERATE
        only_grounding = all(e["rule"] == "grounding" for e in report.errors)
        if grounding is not None and only_grounding and "extraction" in working:
            # Values are chosen from the input's own candidates: one the input
            # does not state is dropped now, not asked about again.
            return partial_accept(job, kind, result, report.parsed, grounding)
        cut = None
        if grounding is not None and only_grounding:
            validator = output_validator_of(job, kind, working)
            cut = unsupported_cut(job, kind, report.parsed, grounding, working, validator)
        if cut is not None and grounding is not None:
            # Copy whose invented sentences can go: deliver the rest rather
            # than spend another model call asking for it again.
            result.validation["removed"] = cut[1]
            dropped = sorted({r["field"] for r in cut[1]})
            return partial_accept(job, kind, result, cut[0], grounding, dropped=dropped)
        if job.generation_count < settings.BEACON_MAX_GENERATIONS:
            working["feedback"] = report.feedback()
            working_save(job, working)
            escalate = job.generation_count >= settings.LLM_ESCALATE_AFTER_FAILURES
            if escalate or not job.routing:
                job_route(job, working["messages"], escalate=escalate)
            data = {
                "errors": len(report.errors),
                "generation": job.generation_count,
                "ungrounded": len(grounding.ungrounded) if grounding else 0,
            }
            event_record(job=job, type=EventType.REMEDIATION, data=data)
            return Stage.GENERATE
        if grounding is not None:
            # Out of generations, and only grounding failed: keep what is grounded.
            return partial_accept(job, kind, result, report.parsed, grounding)
        raise StageError(
            f"the model's output failed validation after {job.generation_count} generations",
            code="output_invalid",
        )

    return inline_stage_run(job_id=job_id, stage=Stage.VALIDATE, work=work)


def partial_accept(
    job: Job,
    kind: TaskKind,
    result: JobResult,
    output: Any,
    grounding: GroundingReport,
    dropped: list[str] | None = None,
) -> str:
    if dropped is None:
        result.output, result.validation["partial"], dropped = grounded_accept(kind, output, grounding)
    else:
        result.output, result.validation["partial"] = output, True
    result.validation["dropped"] = dropped
    result.save()
    event_record(job=job, type=EventType.PARTIALLY_ACCEPTED, data={"dropped": dropped, "flagged": not dropped})
    return Stage.DECIDE


# --- decide -----------------------------------------------------------------
def decide_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        kind = task_kind_of(job)
        working = working_of(job)
        result = JobResult.objects.get(job=job)
        validator = output_validator_of(job, kind, working)
        scan = output_safety(job, kind, result.output, working, lambda output: validator.is_valid(output))
        if scan.action == "block":
            rules = sorted({f.rule for f in scan.findings if f.action == "block"})
            raise StageError(f"the output failed the safety scan ({', '.join(rules)})", code="unsafe_output")
        if scan.stripped:
            result.output = scan.output
            result.save(update_fields=["output", "updated_at"])
        reasons = list(working.get("reviewReasons", []))
        reasons += [{"reason": f.rule, "path": f.path} for f in scan.findings if f.action == "review"]
        disagreement = precheck_disagreement(working, result.output, (result.validation or {}).get("answer"))
        if disagreement:
            reasons.append(disagreement)
        if nothing_delivered(kind.output_kind, result.output):
            reasons.append({"reason": "nothing_delivered", "dropped": (result.validation or {}).get("dropped", [])})
        assessment = review_port().assess(
            job_id=job.id,
            kind_name=kind.name,
            safety_reasons=reasons,
            output=result.output,
            validation=result.validation or {},
            customer_tier=job.customer_tier,
            in_experiment=label_in_experiment(job),
        )
        if assessment.needs_review:
            # A person looks before anything is delivered.
            review_port().task_create(job=job, assessment=assessment, output=result.output)
            job_transition(job=job, name="send_to_review", save=False, data=assessment.as_dict())
            return Stage.REVIEW
        event_record(job=job, type=EventType.DECIDED, data={"route": "auto_approve", **assessment.as_dict()})
        return Stage.FINALIZE

    return inline_stage_run(job_id=job_id, stage=Stage.DECIDE, work=work)


# --- finalize ---------------------------------------------------------------


def finalize_run(*, job_id: str) -> bool:
    def work(job: Job) -> str:
        if task_kind_of(job).restore_pii:
            pii_restore(job)
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
    """Write the ended job's webhook deliveries (jobs/services/webhooks.py);
    their attempts and retries run on their own, so the job is done."""

    def work(job: Job) -> str:
        deliveries_create(job=job)
        return Stage.DONE

    return inline_stage_run(job_id=job_id, stage=Stage.DELIVER, work=work)
