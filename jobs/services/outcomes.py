"""What the validate stage makes of the model's last answer, as a value.

`answer_judge` parses and checks the answer (schema, the answer built into
the delivered output for planned jobs, rules and quality, grounding) and
decides what happens next, writing nothing; the validate stage
(jobs/services/pipeline.py) then records it. The decision, in order:

  accept     the output passed every check
  refused    the model declined: recorded as such, never asked again
  repair     nothing parsed: the small tier is asked to restate it as JSON
  partial    only grounding failed: extraction drops the ungrounded values;
             generation cuts the unsupported sentences when what remains
             still passes (else it is asked again while generations remain,
             and kept flagged for review once they are spent)
  remediate  ask again with the errors as feedback
  fail       out of generations with an output that cannot be delivered
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings

from jobs.models import Job
from jobs.services.answers import answer_build, delivered_errors
from jobs.services.job_settings import model_validator_of, output_validator_of
from jobs.services.output_checks import (
    check_error,
    grounded_accept,
    output_checks,
    output_grounding,
    unsupported_cut,
)
from jobs.state import JobState, RepairRequest
from prompts.task_kinds import TaskKind
from validation.grounding import GroundingReport
from validation.output import ValidationReport, output_validate, schema_errors
from validation.rules import RuleResult
from validation.tidy import generation_tidied


class Outcome(StrEnum):
    ACCEPT = "accept"
    REFUSED = "refused"
    REPAIR = "repair"
    PARTIAL = "partial"
    REMEDIATE = "remediate"
    FAIL = "fail"


@dataclass
class Judgement:
    outcome: Outcome
    report: ValidationReport
    answer: Any = None  # a planned job's model answer, before Beacon built the output
    trace: list[RuleResult] = field(default_factory=list)
    grounding: GroundingReport | None = None
    output: Any = None  # what is delivered (accept, partial)
    dropped: list[str] = field(default_factory=list)  # partial: the fields left out
    removed: list[dict[str, str]] | None = None  # partial by cutting: what was cut
    repair: RepairRequest | None = None

    def validation(self, *, generation: int, fallback: bool) -> dict[str, Any]:
        """The result's validation record."""
        data = {**self.report.as_dict(), "generation": generation}
        if self.answer is not None:
            data["answer"] = self.answer
        if fallback:
            data["fallback"] = True
        if self.grounding is not None:
            data["grounding"] = self.grounding.as_dict()
        if self.trace:
            data["trace"] = [r.as_dict() for r in self.trace]
            data["warnings"] = [r.message for r in self.trace if not r.passed and r.kind.endswith(":warn")]
        if self.removed is not None:
            data["removed"] = self.removed
        if self.outcome == Outcome.PARTIAL:
            data["partial"] = True
            data["dropped"] = self.dropped
        return data


def answer_checked(job: Job, kind: TaskKind, state: JobState) -> Judgement:
    """Parse and check the last answer; the outcome is ACCEPT or, for now, FAIL."""
    last = state.last_attempt
    validator = model_validator_of(job, kind, state)
    report = output_validate(text=last.text, validator=validator)
    if kind.output_kind == "generation" and report.parse_pass is not None and report.refusal is None:
        # Form faults (a repeated bullet, an SEO line over its limit) are
        # fixed here rather than by another model call (validation/tidy.py).
        tidied, changes = generation_tidied(report.parsed, validator.schema)
        if changes:
            report.parsed, report.parse_changes = tidied, [*report.parse_changes, *changes]
            report.errors = schema_errors(tidied, validator)
            report.valid = not report.errors
    if last.repair and report.parse_pass is not None:
        report.parse_pass = "repaired"  # noqa: S105 - a pass name, not a secret
        report.parse_changes.append("a repair call to the small tier restated the output as JSON")
    judged = Judgement(outcome=Outcome.FAIL, report=report)
    if report.valid and state.planned:
        # The model answered the smaller question; Beacon builds the output.
        judged.answer = report.parsed
        report.parsed = answer_build(judged.answer, state)
        report.errors = delivered_errors(report.parsed, output_validator_of(job, kind, state))
        report.valid = not report.errors
    judged.trace = output_checks(job, kind, report.parsed, state) if report.valid else []
    failed_checks = [r for r in judged.trace if not r.passed and not r.kind.endswith(":warn")]
    if failed_checks:
        report.valid = False
        report.errors = [check_error(r) for r in failed_checks]
    judged.grounding = output_grounding(kind, report.parsed, state.input) if report.valid else None
    if judged.grounding is not None and judged.grounding.ungrounded:
        report.valid = False
        report.errors = [
            {"path": r.field, "message": r.reason, "value": None, "rule": "grounding"}
            for r in judged.grounding.ungrounded
        ]
    if report.valid:
        judged.outcome, judged.output = Outcome.ACCEPT, report.parsed
    return judged


def answer_judge(job: Job, kind: TaskKind, state: JobState) -> Judgement:
    """The last answer, checked, and what happens next (the module's order)."""
    judged = answer_checked(job, kind, state)
    report, grounding = judged.report, judged.grounding
    if judged.outcome == Outcome.ACCEPT:
        return judged
    generations_left = job.generation_count < settings.BEACON_MAX_GENERATIONS
    if report.refusal is not None:
        judged.outcome = Outcome.REFUSED
        return judged
    if report.parse_pass is None and not state.last_attempt.repair and generations_left:
        # Parsing pass 3: ask the small tier to restate the text as JSON.
        error = report.errors[0]["message"] if report.errors else ""
        judged.outcome, judged.repair = Outcome.REPAIR, RepairRequest(text=state.last_attempt.text, error=error)
        return judged
    only_grounding = grounding is not None and all(e["rule"] == "grounding" for e in report.errors)
    if grounding is not None and only_grounding and state.extraction is not None:
        # Values are chosen from the input's own candidates: one the input
        # does not state is dropped now, not asked about again.
        return _partial(judged, kind, grounding)
    if grounding is not None and only_grounding:
        validator = output_validator_of(job, kind, state)
        cut = unsupported_cut(job, kind, report.parsed, grounding, state, validator)
        if cut is not None:
            # Copy whose invented sentences can go: deliver the rest rather
            # than spend another model call asking for it again.
            judged.outcome, judged.output, judged.removed = Outcome.PARTIAL, cut[0], cut[1]
            judged.dropped = sorted({r["field"] for r in cut[1]})
            return judged
    if generations_left:
        judged.outcome = Outcome.REMEDIATE
        return judged
    if grounding is not None:
        # Out of generations, and only grounding failed: keep what is grounded.
        return _partial(judged, kind, grounding)
    judged.outcome = Outcome.FAIL
    return judged


def _partial(judged: Judgement, kind: TaskKind, grounding: GroundingReport) -> Judgement:
    judged.outcome = Outcome.PARTIAL
    judged.output, _, judged.dropped = grounded_accept(kind, judged.report.parsed, grounding)
    return judged
