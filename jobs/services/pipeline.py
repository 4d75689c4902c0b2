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
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone

from jobs.models import EventType, Job, JobResult, Stage
from jobs.ports import review_port
from jobs.services.answers import NO_MODEL_CODES, fallback_answer, nothing_delivered
from jobs.services.data_subjects import subject_identifiers_record
from jobs.services.events import event_record, job_transition
from jobs.services.job_settings import (
    max_tokens_of,
    model_schema_of,
    output_validator_of,
    prompt_render,
    state_planned,
    task_kind_of,
    temperature_of,
)
from jobs.services.model_routing import budget_defers, job_route
from jobs.services.outcomes import Outcome, answer_judge
from jobs.services.output_checks import pii_restore
from jobs.services.provider_batching import BatchStep, provider_batch_step
from jobs.services.publishing import stage_chained_here
from jobs.services.safety_checks import (
    OutputChecks,
    input_assess,
    input_record,
    output_assess,
    output_record,
    policy_remote,
    precheck_disagreement,
)
from jobs.services.slow_io import without_db_connection_if_slow
from jobs.services.stages import (
    StageError,
    TransientStageError,
    inline_stage_run,
    job_mark_started,
    stage_assess_unlocked,
    stage_claim,
    stage_complete,
    stage_defer,
    stage_release,
    terminal_stage,
)
from jobs.services.webhooks import deliveries_create
from jobs.state import Attempt, job_state_load, job_state_save
from jobs.token_feed import TokenFeed
from llm.cache import cache_forget
from llm.errors import ModelError
from llm.gateway import ModelRequest, complete
from llm.ledger import attempts_cost, calls_record
from llm.routing import RouteDecision
from prompts.experiments import label_in_experiment
from safety.logging import redact_text
from validation.repair import repair_messages

logger = logging.getLogger(__name__)


# --- prepare ----------------------------------------------------------------


def prepare_run(*, job_id: str) -> bool:
    # A content-policy service is asked before the row lock is taken; the
    # built-in policy is quick and runs under it, saving the extra read.
    early = (
        stage_assess_unlocked(job_id=job_id, stage=Stage.PREPARE, assess=lambda j: input_assess(j, task_kind_of(j)))
        if policy_remote()
        else None
    )

    def work(job: Job) -> str:
        first_prepare = job.started_at is None  # never reset: a re-driven job prepares again
        job_mark_started(job)  # before the transition, whose event records it
        job_transition(job=job, name="start_preparing", save=False)
        checks = early or input_assess(job, task_kind_of(job))
        state = input_record(job, checks)
        job_state_save(job, state)
        # For data-subject requests.
        subject_identifiers_record(job=job, pii=state.pii, first_prepare=first_prepare)
        return Stage.ASSEMBLE

    return inline_stage_run(job_id=job_id, stage=Stage.PREPARE, work=work, follow=_followed)


# --- assemble ---------------------------------------------------------------
def assemble_work(job: Job) -> str:
    job_transition(job=job, name="start_assembling", save=False)
    state = state_planned(job, task_kind_of(job), job_state_load(job))
    state.messages = prompt_render(job, state)
    state.attempts = []
    job_state_save(job, state)
    job_route(job, state.messages, escalate=False)
    return Stage.GENERATE


def assemble_run(*, job_id: str) -> bool:
    return inline_stage_run(job_id=job_id, stage=Stage.ASSEMBLE, work=assemble_work)


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
    state = job_state_load(job)
    messages = list(state.messages)
    if state.repair:
        messages = repair_messages(
            broken=state.repair.text, error=state.repair.error, schema=model_schema_of(job, kind, state)
        )
    elif state.feedback:
        messages = prompt_render(job, state, state.feedback)
    options = job.options or {}
    # The stream shows the model's tokens as they come (provisional).
    feed = TokenFeed(job_id=str(job.id), generation=job.generation_count) if settings.BEACON_STREAM_TOKENS else None
    request = ModelRequest(
        messages=messages,
        schema=model_schema_of(job, kind, state),
        max_tokens=max_tokens_of(job, kind),
        temperature=temperature_of(job, kind),
        cache_scope=str(job.organization_id),
        deadline=job.deadline_at.timestamp() if job.deadline_at else None,
        cache=str(options.get("cache") or "auto"),
        on_token=feed,
    )
    routing = job.routing or {}
    decision = RouteDecision.from_dict(routing) if routing else None
    batch: BatchStep | None = None
    if decision is not None and decision.provider_batch:
        batch = provider_batch_step(job=job, request=request, deployment_name=decision.provider_batch)
        if batch.wait_seconds is not None:
            stage_defer(
                claim=claim, stage=Stage.GENERATE, seconds=batch.wait_seconds, event=batch.event, data=batch.data
            )
            return True

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
        completion = (batch and batch.completion) or without_db_connection_if_slow(partial(complete, request, decision))
    except ModelError as exc:
        if feed is not None:
            feed.flush()
        ledger(exc.attempts)
        failed_cost = attempts_cost(exc.attempts)
        fallback = fallback_answer(state) if exc.permanent or exc.code in NO_MODEL_CODES else None
        code = exc.code
        if fallback is not None:
            # No model answers, but the job has an answer of Beacon's own
            # (retrieval's first category, the strongest extraction cues).
            def use_fallback(job: Job) -> str:
                job.cost_usd += failed_cost
                job_transition(job=job, name="start_validating", save=False)
                current = job_state_load(job)
                current.attempts.append(Attempt(text=json.dumps(fallback), fallback=True))
                job_state_save(job, current)
                event_record(
                    job=job,
                    type=EventType.MODEL_FALLBACK,
                    data={"code": code, "generation": job.generation_count, "costUsd": str(failed_cost)},
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
            event_record(job=job, type=EventType.MODEL_FAILED, data={"code": code, "costUsd": str(failed_cost)})
            raise error

        stage_complete(claim=claim, stage=Stage.GENERATE, work=fail, started=started)
        return True
    if feed is not None:
        feed.flush()  # the last pieces, before the event that ends the generation
    ledger(completion.attempts)

    def work(job: Job) -> str:
        job_transition(job=job, name="start_validating", save=False)
        job.prompt_tokens += completion.prompt_tokens
        job.completion_tokens += completion.completion_tokens
        job.cost_usd += completion.total_cost_usd
        job.processed_region = completion.attempts[-1].region if completion.attempts else job.processed_region
        current = job_state_load(job)
        # The answer to a repair call consumes the request.
        current.attempts.append(
            Attempt(text=completion.text, cache_key=completion.cache_key, repair=bool(current.repair))
        )
        current.repair = None
        job_state_save(job, current)
        if batch is not None:
            event_record(job=job, type=batch.event, data=batch.data)
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
                "batched": any(attempt.batched for attempt in completion.attempts),
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
        state = job_state_load(job)
        judged = answer_judge(job, kind, state)
        last = state.last_attempt
        # One statement whether or not an earlier generation wrote the row; an
        # answer not accepted leaves the output an earlier one stored.
        usable = judged.outcome in (Outcome.ACCEPT, Outcome.PARTIAL)
        result = JobResult(
            job=job, validation=judged.validation(generation=job.generation_count, fallback=last.fallback)
        )
        result.output = judged.output if usable else None
        JobResult.objects.bulk_create(
            [result],
            update_conflicts=True,
            unique_fields=["job"],
            update_fields=["validation", "updated_at", *(["output"] if usable else [])],
        )
        if judged.outcome == Outcome.ACCEPT:
            return Stage.DECIDE
        if last.cache_key:
            # Only valid outputs stay cached: a cached refusal would answer
            # every later identical request without asking the model.
            cache_forget(last.cache_key)
        report = judged.report
        if judged.outcome == Outcome.REFUSED:
            # The refusal contract: the model declined, and asking again with
            # feedback would only pressure it. Recorded as such, not retried.
            # The model's own words can quote what the redactor missed: the
            # event keeps them masked, the error and the dead letter only the code.
            reason = redact_text(report.refusal or "")[:300]
            event_record(job=job, type=EventType.REFUSAL, data={"reason": reason, "generation": job.generation_count})
            raise StageError("the model declined the task (see the job's refusal event)", code="refused")
        if judged.outcome == Outcome.REPAIR:
            job_state_save(job, replace(state, repair=judged.repair))
            event_record(job=job, type=EventType.REPAIR_REQUESTED, data={"generation": job.generation_count})
            return Stage.GENERATE
        if judged.outcome == Outcome.PARTIAL:
            data = {"dropped": judged.dropped, "flagged": not judged.dropped}
            event_record(job=job, type=EventType.PARTIALLY_ACCEPTED, data=data)
            return Stage.DECIDE
        if judged.outcome == Outcome.REMEDIATE:
            job_state_save(job, replace(state, feedback=report.feedback()))
            escalate = job.generation_count >= settings.LLM_ESCALATE_AFTER_FAILURES
            if escalate or not job.routing:
                job_route(job, state.messages, escalate=escalate)
            data = {
                "errors": len(report.errors),
                "generation": job.generation_count,
                "ungrounded": len(judged.grounding.ungrounded) if judged.grounding else 0,
            }
            event_record(job=job, type=EventType.REMEDIATION, data=data)
            return Stage.GENERATE
        raise StageError(
            f"the model's output failed validation after {job.generation_count} generations",
            code="output_invalid",
        )

    return inline_stage_run(job_id=job_id, stage=Stage.VALIDATE, work=work, follow=_followed)


# --- decide -----------------------------------------------------------------
def _decide_assess(job: Job) -> OutputChecks:
    kind = task_kind_of(job)
    state = job_state_load(job)
    result = JobResult.objects.get(job=job)
    validator = output_validator_of(job, kind, state)
    return output_assess(kind, result.output, state, validator.is_valid)


def decide_run(*, job_id: str) -> bool:
    # As in prepare: a content-policy service is asked before the row lock.
    early = stage_assess_unlocked(job_id=job_id, stage=Stage.DECIDE, assess=_decide_assess) if policy_remote() else None
    return inline_stage_run(job_id=job_id, stage=Stage.DECIDE, work=partial(decide_work, early=early), follow=_followed)


def decide_work(job: Job, early: OutputChecks | None = None) -> str:
    """Risk routing: review, or on to finalize. `early` is what a remote
    content policy said before the lock (None: assessed here)."""
    kind = task_kind_of(job)
    state = job_state_load(job)
    result = JobResult.objects.get(job=job)
    # What was assessed before the lock still holds unless the output changed since.
    checks = early
    if checks is None or checks.output != result.output:
        validator = output_validator_of(job, kind, state)
        checks = output_assess(kind, result.output, state, validator.is_valid)
    scan = output_record(job, checks)
    if scan.action == "block":
        rules = sorted({f.rule for f in scan.findings if f.action == "block"})
        raise StageError(f"the output failed the safety scan ({', '.join(rules)})", code="unsafe_output")
    if scan.stripped:
        result.output = scan.output
        result.save(update_fields=["output", "updated_at"])
    reasons = list(state.review_reasons)
    reasons += [{"reason": f.rule, "path": f.path} for f in scan.findings if f.action == "review"]
    disagreement = precheck_disagreement(state, result.output, (result.validation or {}).get("answer"))
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


# --- finalize ---------------------------------------------------------------


def finalize_work(job: Job) -> str:
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


def finalize_run(*, job_id: str) -> bool:
    return inline_stage_run(job_id=job_id, stage=Stage.FINALIZE, work=finalize_work)


# --- stages a task runs in its own transaction ---------------------------------

# The work of the inline stages that follow another on the same queue.
FOLLOWING: dict[str, Callable[[Job], str]] = {
    Stage.ASSEMBLE: assemble_work,
    Stage.DECIDE: decide_work,
    Stage.FINALIZE: finalize_work,
}


def _followed(job: Job, stage: str) -> Callable[[Job], str] | None:
    """The work of `stage` when the running task may run it in the same
    transaction as the stage before (jobs/services/publishing.py)."""
    if stage == Stage.DECIDE and policy_remote():
        return None  # its remote call runs before its own lock: the task runs it after the commit
    if not stage_chained_here(job=job, stage=stage):
        return None
    return FOLLOWING.get(stage)


# --- deliver ----------------------------------------------------------------
def deliver_run(*, job_id: str) -> bool:
    """Write the ended job's webhook deliveries (jobs/services/webhooks.py);
    their attempts and retries run on their own, so the job is done."""

    def work(job: Job) -> str:
        deliveries_create(job=job)
        return Stage.DONE

    return inline_stage_run(job_id=job_id, stage=Stage.DELIVER, work=work)
