"""The bookkeeping the sync and async clients share: following a stream
across reconnections, deciding when a wait is over, finding a template by
name. No I/O here; each client sends and sleeps in its own way."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx

from beacon_client.errors import APIConnectionError, NotFound, WaitTimeout
from beacon_client.models import Generation, JobEvent, Template
from beacon_client.sse import ServerSentEvent, SSEDecoder

GENERATIONS = "/api/v1/generations"
REVIEWING = "reviewing"
# Reconnections in a row that receive nothing before the stream gives up.
MAX_EMPTY_CONNECTIONS = 5
CONNECT_TIMEOUT = 10.0


@dataclass
class StreamState:
    """Where a followed stream stands: the last event id (sent back as
    `Last-Event-ID` on a reconnection, so no event comes twice) and whether
    the `end` event arrived."""

    last_event_id: str | None = None
    ended: bool = False
    final_status: str | None = None
    empty_connections: int = 0
    retry_seconds: float = 1.0
    _decoder: SSEDecoder = field(default_factory=SSEDecoder)
    _heard: bool = False

    def headers(self) -> dict[str, str]:
        """For a new connection: a fresh decoder (a frame cut off by the
        drop is lost; its event comes again after `Last-Event-ID`)."""
        self._decoder = SSEDecoder()
        self._heard = False
        headers = {"Accept": "text/event-stream"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        return headers

    def timeout(self, deadline: float | None, default: httpx.Timeout, read_max: float) -> httpx.Timeout:
        read = read_max if deadline is None else max(0.05, min(read_max, deadline - time.monotonic()))
        return httpx.Timeout(default.connect or CONNECT_TIMEOUT, read=read)

    def feed(self, line: str) -> ServerSentEvent | None:
        self._heard = True  # a keep-alive comment is a sign of life too
        message = self._decoder.feed(line)
        if message is None:
            return None
        if self._decoder.last_event_id:
            self.last_event_id = self._decoder.last_event_id
        if message.retry is not None:
            self.retry_seconds = message.retry / 1000
        if message.event == "end":
            self.ended = True
            self.final_status = str(json.loads(message.data).get("status", "")) if message.data else None
        return message

    def event_of(self, message: ServerSentEvent) -> JobEvent:
        if message.event == "token":
            return JobEvent.token(json.loads(message.data))
        return JobEvent.from_api(json.loads(message.data))

    @staticmethod
    def past(deadline: float | None) -> bool:
        return deadline is not None and time.monotonic() >= deadline

    def closed(self, deadline: float | None, error: Exception | None = None) -> None:
        """The connection ended without `end`: Beacon's stream time ran out
        (reconnect), or it dropped. Raises once several in a row heard nothing."""
        if self.past(deadline):
            return
        self.empty_connections = 0 if self._heard else self.empty_connections + 1
        if self.empty_connections >= MAX_EMPTY_CONNECTIONS:
            reason = f": {type(error).__name__}: {error}" if error else ""
            raise APIConnectionError(
                f"the event stream closed {self.empty_connections} times in a row with nothing received{reason}",
                code="connection_error",
            )

    def reconnect_delay(self, deadline: float | None) -> float:
        delay = min(30.0, self.retry_seconds * max(1, self.empty_connections))
        return delay if deadline is None else max(0.0, min(delay, deadline - time.monotonic()))


class WaitState:
    """A wait for a job to end: its deadline and the last status seen."""

    def __init__(
        self,
        generation_id: str,
        *,
        timeout: float,
        return_on_review: bool,
        on_update: Callable[[str, str], None] | None,
    ) -> None:
        self.generation_id = generation_id
        self.started = time.monotonic()
        self.deadline = self.started + timeout
        self.return_on_review = return_on_review
        self.on_update = on_update
        self.status: str | None = None
        self.stage: str | None = None

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def past(self) -> bool:
        return self.remaining() <= 0

    def _seen(self, status: str | None, stage: str | None) -> None:
        changed = (status or self.status, stage or self.stage) != (self.status, self.stage)
        self.status, self.stage = status or self.status, stage or self.stage
        if changed and self.on_update is not None and self.status is not None:
            self.on_update(self.status, self.stage or "")

    def settled(self, generation: Generation) -> bool:
        self._seen(generation.status, generation.stage)
        return generation.is_terminal or (self.return_on_review and generation.status == REVIEWING)

    def settled_by(self, message: ServerSentEvent, state: StreamState) -> bool:
        if message.event == "end":
            self._seen(state.final_status, None)
            return True
        event = state.event_of(message)
        self._seen(event.to_status or None, event.stage or None)
        return self.return_on_review and self.status == REVIEWING

    def timed_out(self, generation: Generation | None = None) -> NoReturn:
        if generation is not None:
            self._seen(generation.status, generation.stage)
        raise WaitTimeout(
            job_id=self.generation_id,
            status=self.status,
            stage=self.stage,
            waited=time.monotonic() - self.started,
        )


def sync_read_timeout(options: Mapping[str, Any] | None) -> httpx.Timeout | None:
    """A sync-mode submission holds the answer until the job ends, up to its
    `syncTimeoutSeconds` (at most 120): read that long, and a little more."""
    if not options or options.get("mode") != "sync":
        return None
    seconds = float(options.get("syncTimeoutSeconds") or 120)
    return httpx.Timeout(CONNECT_TIMEOUT, read=seconds + 15)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def template_by_name(templates: Iterable[Template], name: str) -> Template:
    """The organization's own template of that name, else the platform's."""
    named = sorted((t for t in templates if t.name == name), key=lambda t: t.platform)
    if not named:
        raise NotFound(f"No template named {name!r}.", code="not_found", status=404)
    return named[0]
