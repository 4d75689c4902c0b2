"""Reads for jobs, always scoped to one organization."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from common.api import error_body
from jobs.models import TERMINAL_STATUSES, DeadLetter, Job, JobEvent, JobPayload, JobResult, Status
from safety.encryption import decrypt_json
from tenants.models import ApiKey, Organization


def jobs_for_organization(*, organization: Organization) -> QuerySet[Job]:
    """The organization's jobs, less those in the trash (jobs/services/trash.py)."""
    return Job.objects.filter(organization=organization, deleted_at__isnull=True).select_related("result")


def jobs_visible_to(*, api_key: ApiKey) -> QuerySet[Job]:
    """The jobs a credential may see: its organization's, or only its
    project's when the key is limited to its project."""
    jobs = jobs_for_organization(organization=api_key.organization)
    project_id = api_key.project_scope_id()
    if project_id is not None:
        jobs = jobs.filter(project_id=project_id)
    return jobs


def job_get(*, api_key: ApiKey, job_id: Any) -> Job | None:
    """The job, or None when it does not exist *or the credential may not see
    it* (another organization's, or another project's for a project-limited
    key): the API answers 404 in every case and never confirms someone else's job."""
    return jobs_visible_to(api_key=api_key).filter(pk=job_id).first()


def job_events(*, job: Job) -> QuerySet[JobEvent]:
    return JobEvent.objects.filter(job=job).order_by("id")


def _result(job: Job) -> JobResult | None:
    if job.generation_count == 0:
        return None  # nothing validated yet (a job just accepted): skip the query
    try:
        return job.result
    except JobResult.DoesNotExist:
        return None


def job_representation(*, job: Job) -> dict[str, Any]:
    """The job as the API and webhooks show it."""
    result = _result(job)
    deleted_at = result.deleted_at if result is not None else None
    shown = result if result is not None and deleted_at is None else None
    return {
        "id": str(job.id),
        "status": job.status,
        "stage": job.stage,
        "templateId": job.task_kind,
        "templateVersion": job.template_version,
        "projectId": str(job.project_id),
        "batchId": str(job.batch_id) if job.batch_id else None,
        "customId": job.custom_id or None,
        "priority": job.priority,
        "result": shown.output if shown is not None and job.status == "completed" else None,
        "resultPurgedAt": result.purged_at.isoformat() if result is not None and result.purged_at else None,
        "resultDeletedAt": deleted_at.isoformat() if deleted_at else None,  # in the trash: restorable
        "validation": shown.validation if shown is not None else None,
        # Some fields failed grounding and were dropped (or, for generated text, flagged).
        "partial": bool(shown and shown.validation.get("partial")),
        "error": job.error,
        "cost": {
            "usd": f"{job.cost_usd:.6f}",  # the column's six places, also before the first read back
            "promptTokens": job.prompt_tokens,
            "completionTokens": job.completion_tokens,
        },
        "routing": {"tier": job.routing.get("tier"), "reasons": job.routing.get("reasons", [])}
        if job.routing
        else None,
        "region": job.processed_region or None,
        "latencyMs": job.stage_latency_ms,
        "generations": job.generation_count,
        "createdAt": job.created_at.isoformat() if job.created_at else None,
        "updatedAt": job.updated_at.isoformat() if job.updated_at else None,
        "startedAt": job.started_at.isoformat() if job.started_at else None,
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
    }


def jobs_grouped(jobs: QuerySet[Job], group: str) -> tuple[QuerySet[Job], list[str]]:
    """Jobs ready for `.values(*keys)` by a metrics group: `taskKind`,
    `templateVersion`, `model` (the deployment of the job's last successful
    call) or `day` (the day it finished)."""
    from datetime import UTC

    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import TruncDate

    from llm.models import ModelCall

    if group == "model":
        last_model = ModelCall.objects.filter(job=OuterRef("pk"), outcome__in=["ok", "cached"]).order_by("-created_at")
        return jobs.annotate(key=Subquery(last_model.values("deployment")[:1])), ["key"]
    if group == "day":
        return jobs.annotate(key=TruncDate("finished_at", tzinfo=UTC)), ["key"]
    if group == "templateVersion":
        return jobs, ["task_kind", "template_version"]
    return jobs, ["task_kind"]


def group_key(row: dict[str, Any], group: str) -> str:
    """The display key of a row grouped by `jobs_grouped`."""
    if "key" in row:
        return str(row["key"])
    if group == "templateVersion":
        return f"{row['task_kind']}@{row['template_version']}"
    return str(row["task_kind"])


def schema_job_counts(schema: Any, organization_id: Any) -> dict[str, int]:
    """How many of the organization's jobs were validated against each
    version of an output schema (validation's schema usage asks through its
    port, validation.api.SCHEMA_JOB_COUNTS)."""
    jobs = Job.objects.filter(organization_id=organization_id, output_schema_version__schema=schema)
    counts = jobs.values("output_schema_version__version").annotate(count=Count("id")).order_by()
    return {row["output_schema_version__version"]: row["count"] for row in counts}


def audit_rows() -> Iterator[tuple[str, Any]]:
    """Jobs' stored text for the PII audit (safety/audit.py), as (where, value)."""
    for event in JobEvent.objects.only("id", "data").iterator():
        yield f"jobs_jobevent#{event.id}.data", event.data
    for job_id, error, routing in Job.objects.values_list("id", "error", "routing").iterator():
        yield f"jobs_job#{job_id}.error", error
        yield f"jobs_job#{job_id}.routing", routing
    for result in JobResult.objects.only("job_id", "output", "validation").iterator():
        yield f"jobs_jobresult#{result.job_id}.output", result.output
        yield f"jobs_jobresult#{result.job_id}.validation", result.validation
    for dead in DeadLetter.objects.only("id", "message", "error_code").iterator():
        yield f"jobs_deadletter#{dead.id}.message", dead.message
    for payload in JobPayload.objects.filter(working__isnull=False).only("job_id", "working").iterator():
        working = decrypt_json(payload.working) if payload.working else {}
        yield f"jobs_jobpayload#{payload.job_id}.working.input", working.get("input")
        yield f"jobs_jobpayload#{payload.job_id}.working.messages", working.get("messages")


def reviewed_annotated(jobs: QuerySet[Job]) -> QuerySet[Job]:
    """`jobs` with `was_reviewed`: the job entered `reviewing` at some point
    (its status_changed event), whatever the reviewer then decided. The one
    definition of "reviewed" behind every review rate (experiments, review
    metrics, online monitors). A subquery, not a join: a join would count a
    job once per event in every other column."""
    entered = JobEvent.objects.filter(job=OuterRef("pk"), to_status=Status.REVIEWING)
    return jobs.annotate(was_reviewed=Exists(entered))


# Codes a job fails with when the model provider, not Beacon or the request,
# could not answer (llm/adapters.py, llm/errors.py): a sync-mode wait answers
# them 502, as a gateway whose upstream failed.
UPSTREAM_MODEL_CODES = frozenset({
    "auth_error", "bad_request", "content_policy", "model_not_found", "model_unavailable", "model_error",
    "breaker_open", "no_deployment_available",
})  # fmt: skip


def sync_answer(representation: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The status and body of a sync-mode wait: 200 with the ended job, 202
    with the job still running, or 502 in the error format when the job
    failed because the model provider failed permanently (the job itself
    stays readable at its Location)."""
    if representation["status"] not in {str(s) for s in TERMINAL_STATUSES}:
        return 202, {"data": representation}
    error = representation.get("error") or {}
    if representation["status"] == Status.FAILED and error.get("code") in UPSTREAM_MODEL_CODES:
        detail = {"field": "model", "message": error.get("message", ""), "code": error["code"],
                  "jobId": representation["id"]}  # fmt: skip
        message = "The model provider failed and retrying cannot help; the job failed."
        return 502, error_body("upstream_model_failed", message, [detail])
    return 200, {"data": representation}
