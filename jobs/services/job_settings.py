"""What a job runs with: its task kind, its working state (encrypted), the
generation settings of its template version, its output schema, its prompt."""

import copy
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from jobs.models import Job
from prompts.fewshot import examples_block, examples_similar
from prompts.rendering import render_messages, render_version
from prompts.task_kinds import TaskKind, task_kinds
from prompts.taxonomy import product_category_attributes, taxonomy_for, taxonomy_ranking
from safety.canary import canary_plant
from safety.encryption import decrypt_json, encrypt_json
from validation.extraction import extraction_plan
from validation.registry import version_validator
from validation.schemas import schema_validator


def task_kind_of(job: Job) -> TaskKind:
    return task_kinds()[job.task_kind]


def working_of(job: Job) -> dict[str, Any]:
    payload = job.payload
    return decrypt_json(payload.working) if payload.working else {}


def working_save(job: Job, working: dict[str, Any]) -> None:
    payload = job.payload
    payload.working = encrypt_json(working)
    payload.save(update_fields=["working"])


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


def output_schema_of(job: Job, kind: TaskKind, working: dict[str, Any]) -> dict[str, Any]:
    """The producer's own schema, else the job's narrowed one (a taxonomy
    job's categories), else its registered schema version."""
    if job.output_schema is not None:
        return job.output_schema
    return working.get("outputSchema") or registered_schema(job, kind)


def output_validator_of(job: Job, kind: TaskKind, working: dict[str, Any]) -> Draft202012Validator:
    if job.output_schema is None and not working.get("outputSchema"):
        if job.output_schema_version_id and job.output_schema_version:
            return version_validator(job.output_schema_version)
        return kind.output_validator
    return schema_validator(output_schema_of(job, kind, working), organization_id=job.organization_id)


def taxonomy_choices_apply(job: Job, kind: TaskKind, working: dict[str, Any]) -> None:
    """Taxonomy tagging chooses from the organization's taxonomy (else the
    platform default), ranked for the job's product by retrieval and cut to
    a shortlist: listed in the prompt and the only paths its output schema
    allows. With the kind's own schema the model answers only the path; the
    confidence comes from Beacon (prompts/taxonomy.py)."""
    if "taxonomy" not in kind.context:
        return
    # No taxonomy imported at all: the kind's built-in list is ranked instead.
    taxonomy = taxonomy_for(job.organization_id)
    ranking = taxonomy_ranking(
        taxonomy=taxonomy,
        parameters=working["input"],
        limit=settings.BEACON_TAXONOMY_CANDIDATES,
        builtin=tuple(kind.context["taxonomy"]),
    )
    if job.output_schema is None:
        # The model chooses one path from a short list; Beacon adds the confidence.
        ranking = ranking[: settings.BEACON_TAXONOMY_SHORTLIST]
        working["taxonomyRanking"] = ranking
    choices = [path for path, _ in ranking]
    schema = copy.deepcopy(registered_schema(job, kind))
    schema["properties"]["categories"]["items"]["properties"]["path"]["enum"] = choices
    working["taxonomy"] = choices
    working["outputSchema"] = schema
    if job.output_schema is None:
        working["modelSchema"] = {
            "type": "object",
            "additionalProperties": False,
            "required": ["path"],
            "properties": {"path": {"enum": choices}},
        }


MODERATION_ANSWER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["verdict", "summary"],
    "properties": {
        "verdict": {"type": "string", "enum": ["allow", "review", "block"]},
        "summary": {"type": "string", "minLength": 1, "maxLength": 300},
    },
}


def moderation_plan_apply(job: Job, kind: TaskKind, working: dict[str, Any]) -> None:
    """Moderation with a policy pre-check: the verdict and categories come
    from the content policy (jobs/services/answers.py), the model writes the
    summary and gives its own verdict, and a disagreement goes to review."""
    if not kind.safety.content_policy_precheck or job.output_schema is not None:
        return
    working["moderation"] = True
    working["modelSchema"] = MODERATION_ANSWER


def extraction_plan_apply(job: Job, kind: TaskKind, working: dict[str, Any]) -> None:
    """Extraction with the task kind's attributes (a producer's own output
    schema keeps the model's free answer): the job's attributes and their
    candidates, the schema it delivers and the one the model answers in."""
    if kind.output_kind != "extraction" or job.output_schema is not None:
        return
    category, attributes = product_category_attributes(working["input"])
    plan = extraction_plan(working["input"], attributes)
    working["extraction"] = {**plan.as_dict(), "category": category}
    working["outputSchema"] = plan.delivered_schema()
    working["modelSchema"] = plan.model_schema()
    working["promptContext"] = {
        "options": {name: plan.candidates.values(name) for name in plan.asked if name not in plan.free},
        "free": plan.free,
    }


def model_schema_of(job: Job, kind: TaskKind, working: dict[str, Any]) -> dict[str, Any]:
    """The schema the model answers in: the job's smaller answer schema where
    Beacon builds the delivered output itself, else the delivered one."""
    return working.get("modelSchema") or output_schema_of(job, kind, working)


def model_validator_of(job: Job, kind: TaskKind, working: dict[str, Any]) -> Draft202012Validator:
    if working.get("modelSchema"):
        return Draft202012Validator(working["modelSchema"])
    return output_validator_of(job, kind, working)


def prompt_render(job: Job, working: dict[str, Any], feedback: list[str] | None = None) -> list[dict[str, str]]:
    """The job's prompt: its template version (jobs accepted before the
    registry existed render their task kind's files)."""
    kind = task_kind_of(job)
    extra = dict(working.get("promptContext") or {})
    if "taxonomy" in working:
        extra["taxonomy"] = working["taxonomy"]
    if job.prompt_version_id:
        messages = render_version(
            version=job.prompt_version,
            kind=kind,
            parameters=working["input"],
            fence_token=working["fenceToken"],
            feedback=feedback,
            extra_context=extra or None,
        )
    else:
        messages = render_messages(
            kind=kind,
            parameters=working["input"],
            fence_token=working["fenceToken"],
            feedback=feedback,
            extra_context=extra or None,
        )
    messages = few_shot_add(job, working, messages)
    # Jobs accepted before canaries existed have none in their working state.
    return canary_plant(messages, working["canary"]) if working.get("canary") else messages


# Kinds whose model answer a labelled example can show: the values chosen
# (extraction) and the path chosen (tagging).
FEW_SHOT_KINDS = ("metadata_enrichment", "taxonomy_tagging")


def few_shot_add(job: Job, working: dict[str, Any], messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The most similar worked examples, before the job's own input in its
    user message: after the shared system prompt, so that stays cached."""
    if job.task_kind not in FEW_SHOT_KINDS or "modelSchema" not in working or messages[-1]["role"] != "user":
        return messages
    examples = examples_similar(
        organization_id=job.organization_id,
        task_kind=job.task_kind,
        parameters=working["input"],
        k=settings.BEACON_FEW_SHOT_EXAMPLES,
    )
    if not examples:
        return messages
    last = {**messages[-1], "content": examples_block(examples) + messages[-1]["content"]}
    return [*messages[:-1], last]
