"""A job as it was at any time, rebuilt from its event log alone.

The event log is append-only and every fact below is written in an event
when it changes (jobs/services/events.py adds the times and error code to
status events), so replaying the events up to a time gives the job's status,
stage, cost, tokens, generations and times then. A test replays every job of
a pipeline run and compares the result with the stored row.

`output_versions` lists the outputs a job had, in order: each model answer
(from the job's working state, while retention keeps it), the validated
result, and a reviewer's edit (the review's decision event says whether the
reviewer changed it). `output_diff` compares two of them field by field.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from jobs.models import EventType, Job, JobEvent, Stage, Status
from jobs.state import job_state_load

# Events whose data carries a cost the job was charged.
COSTED = (EventType.MODEL_CALLED, EventType.MODEL_FALLBACK, EventType.MODEL_FAILED, EventType.STAGE_RETRY)
# A generation (a claim of the generate stage) ends in one of these, or is
# given back for a retry (a transient error, a lease that ran out).
GENERATION_ENDS = (EventType.MODEL_CALLED, EventType.MODEL_FALLBACK, EventType.MODEL_FAILED)
GENERATION_RETRIES = (EventType.STAGE_RETRY, EventType.LEASE_EXPIRED)


@dataclass(frozen=True)
class ArchivedEvent:
    """An event as a warm job's archive document holds it (jobs/services/tiers.py)."""

    id: int
    type: str
    to_status: str
    stage: str
    data: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, event: dict[str, Any]) -> "ArchivedEvent":
        return cls(
            id=event["id"],
            type=event["type"],
            to_status=event["toStatus"],
            stage=event["stage"],
            data=event["data"] or {},
            created_at=datetime.fromisoformat(event["createdAt"]),
        )


def job_history_at(*, job: Job, at: datetime, archived: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The job at `at`; `archived`: a warm job's events from its archive document."""
    events: list[Any]
    if archived is not None:
        events = [e for e in map(ArchivedEvent.of, archived) if e.created_at <= at]
    else:
        events = list(JobEvent.objects.filter(job=job, created_at__lte=at).order_by("id"))
    state: dict[str, Any] = {
        "id": str(job.id),
        "at": at.isoformat(),
        "existed": bool(events),
        "status": None,
        "stage": None,
        "generations": 0,
        "promptTokens": 0,
        "completionTokens": 0,
        "costUsd": Decimal(0),
        "startedAt": None,
        "finishedAt": None,
        "errorCode": None,
        "resultPurged": False,
        "events": len(events),
        "lastEventId": events[-1].id if events else None,
    }
    for event in events:
        data = event.data or {}
        state["stage"] = event.stage or state["stage"]
        if event.type == EventType.SUBMITTED:
            state["status"] = Status.QUEUED
        elif event.type == EventType.STATUS_CHANGED:
            state["status"] = event.to_status
            if "startedAt" in data:
                state["startedAt"] = data["startedAt"]
            if event.to_status == Status.QUEUED:  # a re-drive starts over
                state["finishedAt"] = state["errorCode"] = None
            if "finishedAt" in data:
                state["finishedAt"], state["errorCode"] = data["finishedAt"], data.get("errorCode")
        elif event.type == EventType.MODEL_CALLED:
            state["promptTokens"] += int(data.get("promptTokens") or 0)
            state["completionTokens"] += int(data.get("completionTokens") or 0)
        if event.type in GENERATION_ENDS or (event.type in GENERATION_RETRIES and event.stage == Stage.GENERATE):
            state["generations"] += 1
        elif event.type == EventType.RESULT_PURGED:
            state["resultPurged"] = True
        if event.type in COSTED:
            state["costUsd"] += Decimal(str(data.get("costUsd") or 0))
    state["costUsd"] = f"{state['costUsd']:.6f}"
    return state


@dataclass(frozen=True)
class OutputVersion:
    name: str  # model:1, model:2, ..., validated, reviewed
    source: str  # model | repair | fallback | validated | reviewer
    at: str | None
    output: Any


def _answers(job: Job) -> list[tuple[str, str]]:
    """(source, text) of each model answer, while retention keeps them."""
    payload = getattr(job, "payload", None)
    if payload is None or payload.purged_at is not None:
        return []
    return [
        ("fallback" if a.fallback else "repair" if a.repair else "model", a.text) for a in job_state_load(job).attempts
    ]


def _archived_answers(document: dict[str, Any]) -> list[tuple[str, str]]:
    # Version 1 documents hold the texts alone.
    return [
        ("model", answer) if isinstance(answer, str) else (answer["source"], answer["text"])
        for answer in document.get("modelAnswers", [])
    ]


def output_versions(*, job: Job, document: dict[str, Any] | None = None) -> list[OutputVersion]:
    """The job's outputs in order; `document`: a warm job's archive document
    (its events, answers and result are there, not in PostgreSQL)."""
    events: list[Any]
    if document is not None:
        events = [ArchivedEvent.of(e) for e in document["events"]]
        answers = _archived_answers(document)
        stored = document.get("result") or {}
        output = stored.get("output")
    else:
        events = list(JobEvent.objects.filter(job=job).order_by("id"))
        answers = _answers(job)
        result = getattr(job, "result", None)
        output = result.output if result is not None and result.purged_at is None else None
    answered = [e.created_at for e in events if e.type in (EventType.MODEL_CALLED, EventType.MODEL_FALLBACK)]
    versions = [
        OutputVersion(
            f"model:{number}",
            source,
            answered[number - 1].isoformat() if number <= len(answered) else None,
            _parsed(text),
        )
        for number, (source, text) in enumerate(answers, start=1)
    ]
    if output is not None:
        decided = next((e for e in reversed(events) if e.type == EventType.REVIEW_DECIDED), None)
        validated = next(
            (e for e in reversed(events) if e.type in (EventType.DECIDED, EventType.PARTIALLY_ACCEPTED)), None
        )
        if decided is not None and (decided.data or {}).get("edited"):
            versions.append(OutputVersion("reviewed", "reviewer", decided.created_at.isoformat(), output))
        else:
            when = validated.created_at.isoformat() if validated else None
            versions.append(OutputVersion("validated", "validated", when, output))
    return versions


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def output_diff(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """Field-level changes from `before` to `after` (JSON values): each
    `{"path", "op": "add" | "remove" | "change", "from", "to"}`."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[dict[str, Any]] = []
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}/{key}"
            if key not in before:
                changes.append({"path": where, "op": "add", "from": None, "to": after[key]})
            elif key not in after:
                changes.append({"path": where, "op": "remove", "from": before[key], "to": None})
            else:
                changes += output_diff(before[key], after[key], where)
        return changes
    if before != after:
        return [{"path": path or "/", "op": "change", "from": before, "to": after}]
    return []
