"""Waiting on a job from the API: sync mode and the Server-Sent Events stream.

Both read the database, the source of truth: no second channel to keep
consistent, and a stream that drops resumes from the last event id it saw
(the event log is append-only and ordered by id). Between reads they sleep on
the job's notifications (jobs/notifications.py), so under the ASGI server
(beacon/asgi.py) a waiting request holds no thread, no database connection
and no CPU; only its socket and a few objects on the event loop.

Waits are bounded twice: in time (sync mode by its timeout, a stream by
BEACON_STREAM_MAX_SECONDS, after which the client reconnects with
Last-Event-ID) and in number per organization (common/slots.py; past the cap
the API answers 429 with Retry-After).
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings

from common.deferred import DeferredResponse
from common.request_threads import run_blocking
from common.slots import Slot, slot_release
from jobs import selectors
from jobs.models import TERMINAL_STATUSES, Job, JobEvent
from jobs.notifications import fallback_delay, job_changes
from jobs.serializers import JobEventSerializer
from jobs.token_feed import tokens_after

SETTLED = {str(s) for s in TERMINAL_STATUSES} | {"reviewing"}
EVENTS_PER_READ = 200
# A comment line this often on a quiet stream: proxies and load balancers
# close connections that stay silent (commonly after 30-60 s).
HEARTBEAT_SECONDS = 15.0


@dataclass(frozen=True)
class _Read:
    frames: list[str]
    last_id: int
    status: str
    piece_cursor: str = "0"
    more: bool = False  # a full page of events: more are waiting


def _frame(event: JobEvent) -> str:
    data = json.dumps(JobEventSerializer(event).data, separators=(",", ":"), default=str)
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


async def archived_event_stream(*, events: list[dict[str, Any]], status: str, after_id: int = 0) -> AsyncIterator[str]:
    """A warm job's events (from its archive document, in the events API's
    shape) as the same SSE frames, then `end`: it ended before it moved."""
    yield "retry: 2000\n\n"
    for event in events:
        if event["id"] > after_id:
            data = json.dumps(event, separators=(",", ":"), default=str)
            yield f"id: {event['id']}\nevent: {event['type']}\ndata: {data}\n\n"
    yield f"event: end\ndata: {json.dumps({'status': status})}\n\n"


# Reads run on the web process's request threads (common/request_threads.py):
# a waiter borrows a thread and its connection for one query, never holds one.
def _token_frame(piece: dict[str, Any]) -> str:
    # No `id:` line: Last-Event-ID names job events only; a reconnecting
    # client gets the tokens it may have missed again, from the first.
    return f"event: token\ndata: {json.dumps(piece, separators=(',', ':'))}\n\n"


def _read_after(job_id: str, after_id: int, piece_cursor: str = "0") -> _Read:
    # Tokens first: the pieces a generation streamed come before the event
    # that records the generation's end.
    pieces, piece_cursor = tokens_after(job_id, piece_cursor)
    events = list(JobEvent.objects.filter(job_id=job_id, id__gt=after_id).order_by("id")[:EVENTS_PER_READ])
    status = Job.objects.values_list("status", flat=True).get(pk=job_id)
    frames = [_token_frame(piece) for piece in pieces] + [_frame(e) for e in events]
    last_id = events[-1].id if events else after_id
    return _Read(frames, last_id, status, piece_cursor, more=len(events) == EVENTS_PER_READ)


def _status(job_id: str) -> str:
    return Job.objects.values_list("status", flat=True).get(pk=job_id)


async def job_settle(*, job_id: str, timeout: float) -> None:
    """Return once the job has ended its automatic run (terminal, or held for
    review), or when `timeout` runs out."""
    deadline = time.monotonic() + timeout
    async with job_changes(job_id) as changed:
        while True:
            remaining = deadline - time.monotonic()
            if await run_blocking(_status, job_id) in SETTLED or remaining <= 0:
                return
            await changed(min(fallback_delay(), remaining))


def job_wait(*, job_id: str, timeout: float) -> Job:
    """`job_settle` for a caller without an event loop (the WSGI entry point,
    the test client); under ASGI the API defers the wait (SyncWaitResponse)."""
    async_to_sync(job_settle)(job_id=job_id, timeout=timeout)
    return Job.objects.get(pk=job_id)


async def job_event_stream(*, job_id: str, after_id: int = 0) -> AsyncIterator[str]:
    """The job's events as SSE frames, oldest first, then as they happen; the
    model's tokens as `token` events while it streams (provisional: the
    validated result is in the job's events); an `end` event once the job is
    terminal; a comment line as a heartbeat."""
    started = time.monotonic()
    last_id = after_id
    piece_cursor = "0"
    yield "retry: 2000\n\n"
    async with job_changes(job_id) as changed:
        while True:
            read = await run_blocking(_read_after, job_id, last_id, piece_cursor)
            last_id, piece_cursor = read.last_id, read.piece_cursor
            for frame in read.frames:
                yield frame
            if read.status in TERMINAL_STATUSES and not read.frames:
                yield f"event: end\ndata: {json.dumps({'status': read.status})}\n\n"
                return
            if read.more or read.status in TERMINAL_STATUSES:
                # More are waiting already; or the job has ended, and one more
                # read (nothing new, or what committed with the last change)
                # ends the stream now rather than at the next fallback read.
                continue
            read_by = time.monotonic() + fallback_delay()
            while True:  # until woken, or the fallback read is due
                remaining = settings.BEACON_STREAM_MAX_SECONDS - (time.monotonic() - started)
                if remaining <= 0:
                    return  # the client reconnects with Last-Event-ID
                due = read_by - time.monotonic()
                if due <= 0 or await changed(min(HEARTBEAT_SECONDS, due, remaining)):
                    break
                if time.monotonic() < read_by:
                    yield ": keep-alive\n\n"


class SlottedStream:
    """A stream's iterator that frees its organization's slot when the
    response closes: Django closes every response, and a generator that never
    started would never run its own `finally`."""

    def __init__(self, stream: AsyncIterator[str], slot: Slot | None) -> None:
        self.stream = stream
        self.slot = slot

    def __aiter__(self) -> AsyncIterator[str]:
        return self.stream

    def close(self) -> None:
        slot, self.slot = self.slot, None
        slot_release(slot)


class SyncWaitResponse(DeferredResponse):
    """The 202 of a sync-mode submission, which the ASGI handler
    (beacon/asgi.py) turns into the final answer by awaiting `settle`: the
    job's representation, 200 once it ended, still 202 if the wait timed out.
    Headers set on the way out by middleware (rate limits, correlation id)
    stay on it."""

    def __init__(self, data: Any, *, job_id: str, timeout: float, slot: Slot | None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.job_id = job_id
        self.timeout = timeout
        self.slot = slot

    async def settle(self) -> None:
        try:
            await job_settle(job_id=self.job_id, timeout=self.timeout)
            job = await run_blocking(_job_settled, self.job_id)
        finally:
            await asyncio.shield(run_blocking(slot_release, self.slot))
            self.slot = None
        self.status_code, self.data = selectors.sync_answer(job)
        self._is_rendered = False
        self.render()
        self.headers["Content-Length"] = str(len(self.content))

    def close(self) -> None:
        slot, self.slot = self.slot, None
        slot_release(slot)  # a client that left before the wait began
        super().close()


def _job_settled(job_id: str) -> dict[str, Any]:
    return selectors.job_representation(job=Job.objects.get(pk=job_id))
