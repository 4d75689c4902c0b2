"""The validate stage's checks beyond the schema: rules, quality, grounding,
partial acceptance; and putting redacted PII back where a kind allows."""

import copy
import re
from typing import Any

from jobs.models import Job, JobResult
from jobs.state import JobState, job_state_load
from prompts.task_kinds import TaskKind
from safety.pii import Redactor
from validation.grounding import GroundingReport, ground_extraction, ground_generation, unsupported_removed
from validation.quality import quality_evaluate
from validation.rules import RuleResult, rules_evaluate


def check_error(result: RuleResult) -> dict[str, Any]:
    message = result.message + (f" (fix: {result.fix})" if result.fix else "")
    return {
        "path": result.path,
        "message": message,
        "value": result.values[0] if result.values else None,
        "rule": result.rule,
    }


def output_checks(job: Job, kind: TaskKind, output: Any, state: JobState) -> list[RuleResult]:
    """The schema version's semantic rules and quality checks, as one trace."""
    tables = {"taxonomy": state.taxonomy} if state.taxonomy is not None else {}
    locale = str(state.input.get("locale", "en-US"))
    version = job.output_schema_version if job.output_schema_version_id else None
    rules, quality = (version.rules, version.quality) if version else (list(kind.rules), kind.quality)
    return rules_evaluate(rules, output, tables) + quality_evaluate(quality, output, locale=locale)


def output_grounding(kind: TaskKind, output: Any, parameters: dict[str, Any]) -> GroundingReport | None:
    if kind.output_kind == "extraction":
        return ground_extraction(output, parameters)
    if kind.output_kind == "generation":
        return ground_generation(output, parameters)
    return None


def grounded_accept(kind: TaskKind, output: Any, grounding: GroundingReport) -> tuple[Any, bool, list[str]]:
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
        if "span" in node:
            node["span"] = None
        dropped.append(failed.field)
    return accepted, True, dropped


def unsupported_cut(
    job: Job, kind: TaskKind, output: Any, grounding: GroundingReport, state: JobState, validator: Any
) -> tuple[Any, list[dict[str, str]]] | None:
    """Generation copy without its unsupported sentences and bullet points,
    when what remains still passes the schema, the rules and the quality
    checks and makes no unsupported claim; else None (ask again)."""
    if kind.output_kind != "generation":
        return None
    cut = unsupported_removed(output, grounding, state.input, refill_of(kind))
    if cut is None or not validator.is_valid(cut[0]):
        return None
    trace = output_checks(job, kind, cut[0], state)
    if any(not r.passed and not r.kind.endswith(":warn") for r in trace):
        return None
    again = output_grounding(kind, cut[0], state.input)
    if again is not None and again.ungrounded:
        return None
    return cut


def refill_of(kind: TaskKind) -> dict[str, tuple[str, int]]:
    """kind.json's `refill` (field -> the field it is written again from when
    cutting empties it), with each field's maxLength from the output schema."""
    refill = {}
    for path, source in kind.refill.items():
        node: Any = kind.output_schema
        for part in path.split("."):
            node = node.get("properties", {}).get(part, {})
        refill[path] = (source, int(node.get("maxLength", 160)))
    return refill


def pii_restore(job: Job) -> None:
    """Put redacted values back into the output, for task kinds whose output
    is meant to carry them (kind.json `restore_pii`); the stored prompts and
    events keep the placeholders."""
    result = JobResult.objects.filter(job=job).first()
    pii = job_state_load(job).pii
    if result is None or result.output is None or not pii:
        return
    result.output = Redactor.from_state(pii).restore(result.output)
    result.save(update_fields=["output", "updated_at"])
