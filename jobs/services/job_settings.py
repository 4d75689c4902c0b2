"""What a job runs with: its task kind, the generation settings of its
template version, its output schema, the plans assemble makes (taxonomy
shortlist, extraction candidates, moderation answer) and its prompt."""

import copy
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from jinja2.exceptions import SecurityError
from jsonschema import Draft202012Validator

from jobs.models import Job
from jobs.services.stages import StageError
from jobs.state import JobState
from prompts.fewshot import examples_block, examples_similar
from prompts.rendering import render_messages, render_version
from prompts.task_kinds import TaskKind, task_kinds
from prompts.taxonomy import product_category_attributes, taxonomy_for, taxonomy_ranking
from safety.canary import canary_plant
from validation.extraction import extraction_plan
from validation.registry import version_validator
from validation.schemas import schema_validator


def task_kind_of(job: Job) -> TaskKind:
    return task_kinds()[job.task_kind]


def version_metadata(job: Job) -> dict[str, Any]:
    return job.prompt_version.metadata if job.prompt_version_id and job.prompt_version else {}


def max_tokens_of(job: Job, kind: TaskKind) -> int:
    settings_of_version = version_metadata(job)
    return int((job.options or {}).get("maxTokens") or settings_of_version.get("maxTokens") or kind.max_tokens)


def tier_of(job: Job, kind: TaskKind) -> str:
    return str(version_metadata(job).get("tier") or kind.tier)


def temperature_of(job: Job, kind: TaskKind) -> float:
    options = job.options or {}
    if options.get("temperature") is not None:
        return float(options["temperature"])
    return float(version_metadata(job).get("temperature", kind.temperature))


def registered_schema(job: Job, kind: TaskKind) -> dict[str, Any]:
    """The job's schema version from the registry (jobs accepted before it
    existed use the task kind's file)."""
    if job.output_schema_version_id and job.output_schema_version:
        return job.output_schema_version.json_schema
    return kind.output_schema


def output_schema_of(job: Job, kind: TaskKind, state: JobState) -> dict[str, Any]:
    """The producer's own schema, else the job's narrowed one (a taxonomy
    job's categories), else its registered schema version."""
    if job.output_schema is not None:
        return job.output_schema
    return state.output_schema or registered_schema(job, kind)


def output_validator_of(job: Job, kind: TaskKind, state: JobState) -> Draft202012Validator:
    if job.output_schema is None and not state.output_schema:
        if job.output_schema_version_id and job.output_schema_version:
            return version_validator(job.output_schema_version)
        return kind.output_validator
    return schema_validator(output_schema_of(job, kind, state), organization_id=job.organization_id)


@dataclass(frozen=True)
class TaxonomyPlan:
    choices: list[str]
    ranking: list[tuple[str, float]] | None  # the shortlist, when the model answers only a path
    output_schema: dict[str, Any]
    model_schema: dict[str, Any] | None


def taxonomy_plan(job: Job, kind: TaskKind, parameters: dict[str, Any]) -> TaxonomyPlan | None:
    """Taxonomy tagging chooses from the organization's taxonomy (else the
    platform default), ranked for the job's product by retrieval and cut to
    a shortlist: listed in the prompt and the only paths its output schema
    allows. With the kind's own schema the model answers only the path; the
    confidence comes from Beacon (prompts/taxonomy.py)."""
    if "taxonomy" not in kind.context:
        return None
    # No taxonomy imported at all: the kind's built-in list is ranked instead.
    taxonomy = taxonomy_for(job.organization_id)
    ranking = taxonomy_ranking(
        taxonomy=taxonomy,
        parameters=parameters,
        limit=settings.BEACON_TAXONOMY_CANDIDATES,
        builtin=tuple(kind.context["taxonomy"]),
    )
    own_schema = job.output_schema is not None
    if not own_schema:
        # The model chooses one path from a short list; Beacon adds the confidence.
        ranking = ranking[: settings.BEACON_TAXONOMY_SHORTLIST]
    choices = [path for path, _ in ranking]
    schema = copy.deepcopy(registered_schema(job, kind))
    schema["properties"]["categories"]["items"]["properties"]["path"]["enum"] = choices
    model_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["path"],
        "properties": {"path": {"enum": choices}},
    }
    return TaxonomyPlan(
        choices=choices,
        ranking=None if own_schema else ranking,
        output_schema=schema,
        model_schema=None if own_schema else model_schema,
    )


MODERATION_ANSWER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["verdict", "summary"],
    "properties": {
        "verdict": {"type": "string", "enum": ["allow", "review", "block"]},
        "summary": {"type": "string", "minLength": 1, "maxLength": 300},
    },
}


def moderation_planned(job: Job, kind: TaskKind) -> bool:
    """Moderation with a policy pre-check: the verdict and categories come
    from the content policy (jobs/services/answers.py), the model writes the
    summary and gives its own verdict (MODERATION_ANSWER), and a
    disagreement goes to review."""
    return kind.safety.content_policy_precheck and job.output_schema is None


@dataclass(frozen=True)
class ExtractionJobPlan:
    extraction: dict[str, Any]  # validation.extraction.ExtractionPlan's dict, with the category
    output_schema: dict[str, Any]
    model_schema: dict[str, Any]
    prompt_context: dict[str, Any]


def extraction_job_plan(job: Job, kind: TaskKind, parameters: dict[str, Any]) -> ExtractionJobPlan | None:
    """Extraction with the task kind's attributes (a producer's own output
    schema keeps the model's free answer): the job's attributes and their
    candidates, the schema it delivers and the one the model answers in."""
    if kind.output_kind != "extraction" or job.output_schema is not None:
        return None
    category, attributes = product_category_attributes(parameters)
    plan = extraction_plan(parameters, attributes)
    return ExtractionJobPlan(
        extraction={**plan.as_dict(), "category": category},
        output_schema=plan.delivered_schema(),
        model_schema=plan.model_schema(),
        prompt_context={
            "options": {name: plan.candidates.values(name) for name in plan.asked if name not in plan.free},
            "free": plan.free,
        },
    )


def state_planned(job: Job, kind: TaskKind, state: JobState) -> JobState:
    """The state with assemble's plans: at most one of taxonomy, extraction
    and moderation applies to a kind; the last one planned sets the schemas."""
    taxonomy = taxonomy_plan(job, kind, state.input)
    if taxonomy is not None:
        state.taxonomy = taxonomy.choices
        state.taxonomy_ranking = taxonomy.ranking
        state.output_schema = taxonomy.output_schema
        state.model_schema = taxonomy.model_schema
    extraction = extraction_job_plan(job, kind, state.input)
    if extraction is not None:
        state.extraction = extraction.extraction
        state.output_schema = extraction.output_schema
        state.model_schema = extraction.model_schema
        state.prompt_context = extraction.prompt_context
    if moderation_planned(job, kind):
        state.moderation = True
        state.model_schema = MODERATION_ANSWER
    return state


def model_schema_of(job: Job, kind: TaskKind, state: JobState) -> dict[str, Any]:
    """The schema the model answers in: the job's smaller answer schema where
    Beacon builds the delivered output itself, else the delivered one."""
    return state.model_schema or output_schema_of(job, kind, state)


def model_validator_of(job: Job, kind: TaskKind, state: JobState) -> Draft202012Validator:
    if state.model_schema:
        return Draft202012Validator(state.model_schema)
    return output_validator_of(job, kind, state)


def prompt_render(job: Job, state: JobState, feedback: list[str] | None = None) -> list[dict[str, str]]:
    """The job's prompt: its template version (jobs accepted before the
    registry existed render their task kind's files). A template that breaks
    a limit of the sandbox (prompts/rendering.py) on this job's input fails
    the job with `template_limit`; asking again would only do it again."""
    try:
        return _prompt_render(job, state, feedback)
    except SecurityError as exc:
        raise StageError(f"the template broke a rendering limit: {exc}", code="template_limit") from exc


def _prompt_render(job: Job, state: JobState, feedback: list[str] | None) -> list[dict[str, str]]:
    kind = task_kind_of(job)
    extra = dict(state.prompt_context or {})
    if state.taxonomy is not None:
        extra["taxonomy"] = state.taxonomy
    if job.prompt_version_id:
        messages = render_version(
            version=job.prompt_version,
            kind=kind,
            parameters=state.input,
            fence_token=state.fence_token,
            feedback=feedback,
            extra_context=extra or None,
        )
    else:
        messages = render_messages(
            kind=kind,
            parameters=state.input,
            fence_token=state.fence_token,
            feedback=feedback,
            extra_context=extra or None,
        )
    messages = few_shot_add(job, state, messages)
    # Jobs accepted before canaries existed have none in their working state.
    return canary_plant(messages, state.canary) if state.canary else messages


# Kinds whose model answer a labelled example can show: the values chosen
# (extraction) and the path chosen (tagging).
FEW_SHOT_KINDS = ("metadata_enrichment", "taxonomy_tagging")


def few_shot_add(job: Job, state: JobState, messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The most similar worked examples, before the job's own input in its
    user message: after the shared system prompt, so that stays cached."""
    if job.task_kind not in FEW_SHOT_KINDS or not state.planned or messages[-1]["role"] != "user":
        return messages
    examples = examples_similar(
        organization_id=job.organization_id,
        task_kind=job.task_kind,
        parameters=state.input,
        k=settings.BEACON_FEW_SHOT_EXAMPLES,
    )
    if not examples:
        return messages
    last = {**messages[-1], "content": examples_block(examples) + messages[-1]["content"]}
    return [*messages[:-1], last]
