"""Waiting on a job from the API: sync mode and the Server-Sent Events stream.

Both read the database, the source of truth, in short polls: no second
channel to keep consistent, and a stream that drops can resume from the last
event id it saw (the event log is append-only and ordered by id). Each holds
a web thread while it waits, so both are bounded: sync mode by its timeout,
a stream by BEACON_STREAM_MAX_SECONDS (clients reconnect with Last-Event-ID).
"""

import json
import time
from collections.abc import Iterator

from django.conf import settings

from jobs.models import TERMINAL_STATUSES, Job, JobEvent
from jobs.serializers import JobEventSerializer

SETTLED = {str(s) for s in TERMINAL_STATUSES} | {"reviewing"}
POLL_SECONDS = 0.2


def job_wait(*, job_id: str, timeout: float) -> Job:
    """The job once it has ended its automatic run (terminal, or held for
    review), or as it is when `timeout` runs out."""
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if job.status in SETTLED or time.monotonic() >= deadline:
            return job
        time.sleep(POLL_SECONDS)


def _frame(event: JobEvent) -> str:
    data = json.dumps(JobEventSerializer(event).data, separators=(",", ":"), default=str)
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


def job_event_stream(*, job_id: str, after_id: int = 0) -> Iterator[str]:
    """The job's events as SSE frames, oldest first, then as they happen; an
    `end` event once the job is terminal; a comment line as a heartbeat."""
    started = last_beat = time.monotonic()
    last_id = after_id
    yield "retry: 2000\n\n"
    while True:
        events = list(JobEvent.objects.filter(job_id=job_id, id__gt=last_id).order_by("id")[:200])
        for event in events:
            last_id = event.id
            yield _frame(event)
        status = Job.objects.values_list("status", flat=True).get(pk=job_id)
        if status in TERMINAL_STATUSES and not events:
            yield f"event: end\ndata: {json.dumps({'status': status})}\n\n"
            return
        now = time.monotonic()
        if now - started > settings.BEACON_STREAM_MAX_SECONDS:
            return  # the client reconnects with Last-Event-ID
        if now - last_beat > 15:
            last_beat = now
            yield ": keep-alive\n\n"
        if not events:
            time.sleep(POLL_SECONDS * 2)
