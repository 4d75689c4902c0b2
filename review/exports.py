"""Reviewer decisions as labelled data: one JSON object per decided task,
ready to become golden-set items (evals/ imports this shape).

Inputs are the redacted ones the model saw (never the raw input); a job whose
working state was purged after retention exports without its input."""

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from jobs.state import job_state_load
from llm.models import ModelCall
from review.models import ReviewStatus, ReviewTask


def review_decisions(*, since: datetime | None = None, task_kind: str | None = None) -> Iterator[dict[str, Any]]:
    tasks = ReviewTask.objects.filter(status=ReviewStatus.DONE).select_related("job__payload", "decided_by")
    if since:
        tasks = tasks.filter(decided_at__gte=since)
    if task_kind:
        tasks = tasks.filter(task_kind=task_kind)
    for task in tasks.order_by("decided_at").iterator(chunk_size=200):
        job = task.job
        state = job_state_load(job)
        call = ModelCall.objects.filter(job=job, outcome__in=["ok", "cached"]).order_by("-created_at").first()
        yield {
            "jobId": str(job.id),
            "taskKind": task.task_kind,
            "templateVersion": job.template_version,
            "model": call.deployment if call else None,
            "locale": state.input.get("locale"),
            "customerTier": task.customer_tier,
            "input": state.input or None,
            "modelOutput": task.model_output,
            "finalOutput": task.final_output if task.decision != "rejected" else None,
            "decision": task.decision,
            "rejectReason": task.reject_reason or None,
            "reasons": task.reason_codes,
            "riskScore": task.risk_score,
            "reviewer": task.decided_by.get_username() if task.decided_by else None,
            "decidedAt": task.decided_at.isoformat() if task.decided_at else None,
            "provenance": "review_decision",
        }


def review_decisions_jsonl(**filters: Any) -> Iterator[str]:
    for row in review_decisions(**filters):
        yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
