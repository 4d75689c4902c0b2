"""Transitions and events: the only way a job's status changes.

`job_transition` applies a django-fsm transition, saves the job and appends a
JobEvent, and insists on running inside the caller's transaction, so a status
change and its event commit together or not at all.
"""

from functools import partial
from typing import Any

from django.db import transaction

from common import correlation
from jobs.models import TERMINAL_STATUSES, EventType, Job, JobEvent, Status
from jobs.notifications import job_changed_notify
from jobs.services.retention_policies import retention_stamp


def event_record(
    *, job: Job, type: EventType, data: dict[str, Any] | None = None, notify: bool = True, **fields: str
) -> JobEvent:
    """Append an event. `notify=False` for a job this transaction creates: no
    stream or sync wait can be waiting on an id nobody has been told yet."""
    if notify:  # streams and sync waits on this job look again once the event is visible
        transaction.on_commit(partial(job_changed_notify, str(job.id)))
    return JobEvent.objects.create(
        job=job,
        type=type,
        stage=fields.get("stage", job.stage),
        from_status=fields.get("from_status", ""),
        to_status=fields.get("to_status", ""),
        data=data or {},
        correlation_id=correlation.current() if correlation.current() != "-" else job.correlation_id,
    )


def job_transition(*, job: Job, name: str, data: dict[str, Any] | None = None, save: bool = True) -> JobEvent:
    """Apply transition `name` (e.g. "start_preparing"); raises TransitionNotAllowed.

    The event also carries the times and the error code the transition
    fixes (`startedAt` entering preparing, `finishedAt` and `errorCode`
    ending), so the event log alone rebuilds them (jobs/services/history.py);
    callers set them on the job before the transition."""
    assert transaction.get_connection().in_atomic_block, "job_transition must run inside a transaction"
    from_status = job.status
    getattr(job, name)()
    if job.status in TERMINAL_STATUSES:
        retention_stamp(job)  # when each part of the ended job goes
    if save:
        job.save()
    facts: dict[str, Any] = {}
    if job.status == Status.PREPARING and job.started_at is not None:
        facts["startedAt"] = job.started_at.isoformat()
    if job.status in TERMINAL_STATUSES:
        facts["finishedAt"] = job.finished_at.isoformat() if job.finished_at else None
        facts["errorCode"] = (job.error or {}).get("code")
    return event_record(
        job=job,
        type=EventType.STATUS_CHANGED,
        data={**(data or {}), **facts},
        from_status=from_status,
        to_status=job.status,
    )
