"""Transitions and events: the only way a job's status changes.

`job_transition` applies a django-fsm transition, saves the job and appends a
JobEvent, and insists on running inside the caller's transaction, so a status
change and its event commit together or not at all.
"""

from functools import partial
from typing import Any

from django.db import transaction

from common import correlation
from jobs.models import EventType, Job, JobEvent
from jobs.notifications import job_changed_notify


def event_record(*, job: Job, type: EventType, data: dict[str, Any] | None = None, **fields: str) -> JobEvent:
    # Streams and sync waits on this job look again once the event is visible.
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
    """Apply transition `name` (e.g. "start_preparing"); raises TransitionNotAllowed."""
    assert transaction.get_connection().in_atomic_block, "job_transition must run inside a transaction"
    from_status = job.status
    getattr(job, name)()
    if save:
        job.save()
    return event_record(
        job=job, type=EventType.STATUS_CHANGED, data=data, from_status=from_status, to_status=job.status
    )
