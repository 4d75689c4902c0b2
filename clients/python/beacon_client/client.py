"""The synchronous client.

    from beacon_client import Beacon

    with Beacon() as beacon:  # BEACON_URL / BEACON_API_KEY, or the config file
        job = beacon.generations.create("metadata_enrichment", {"content": "Blue cotton shirt, size M",
                                                                "locale": "en-US"})
        done = beacon.generations.wait(job.id, timeout=120)
        print(done.status, done.result)

Requests that failed on the way (no connection, a 429 or 503 refusal, a
502/504 for requests safe to repeat) are sent again a bounded number of
times; a submission is always safe to repeat because it carries one
`Idempotency-Key` over all its attempts.
"""

from __future__ import annotations

import builtins
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

import httpx

from beacon_client import _payloads
from beacon_client._http import (
    DEFAULT_TIMEOUT,
    STREAM_READ_TIMEOUT,
    RetryPolicy,
    base_headers,
    check_settings,
    connection_error,
    request_headers,
    should_retry_exception,
    should_retry_response,
)
from beacon_client._resources import GENERATIONS, StreamState, WaitState, sync_read_timeout
from beacon_client.batches import Batches
from beacon_client.config import load_config
from beacon_client.errors import error_from_response, retry_after_seconds
from beacon_client.models import Generation, JobEvent
from beacon_client.pagination import PageIterator, Params
from beacon_client.resources import Keys, Schemas, Templates, Trash, UsageResource, WebhookEndpoints
from beacon_client.sse import ServerSentEvent

__all__ = ["Beacon"]

OnUpdate = Callable[[str, str], None]
T = TypeVar("T")


class Beacon:
    """A client for one Beacon deployment and one API key."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        config = load_config(url=base_url, api_key=api_key)
        self.api_key, self.base_url = check_settings(config.api_key, config.url)
        self.retry = retry or RetryPolicy()
        self._http = httpx.Client(
            base_url=self.base_url, headers=base_headers(self.api_key), timeout=timeout, transport=transport
        )
        self.generations = Generations(self)
        self.templates = Templates(self)
        self.schemas = Schemas(self)
        self.usage = UsageResource(self)
        self.webhook_endpoints = WebhookEndpoints(self)
        self.keys = Keys(self)
        self.trash = Trash(self)
        self.batches = Batches(self)

    def __enter__(self) -> Beacon:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        content: Any = None,
        params: Params = None,
        headers: dict[str, str] | None = None,
        idempotent: bool | None = None,
        stream: bool = False,
        timeout: float | httpx.Timeout | None = None,
    ) -> httpx.Response:
        """Send a request, retrying what the policy allows; a failed answer
        raises its `BeaconError`. `stream=True` returns an open response to close.
        `content`: a body to send as it is (a re-iterable one, to be retried)."""
        safe = method in ("GET", "HEAD", "OPTIONS", "DELETE") if idempotent is None else idempotent
        request = self._http.build_request(
            method,
            url,
            json=json,
            content=content,
            params=params,
            headers=request_headers(headers),
            timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
        )
        attempt = 0
        while True:
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                if attempt >= self.retry.max_retries or not should_retry_exception(exc, idempotent=safe):
                    raise connection_error(exc, method=method, url=str(request.url), attempts=attempt + 1) from exc
                time.sleep(self.retry.delay(attempt))
                attempt += 1
                continue
            if response.is_success:
                return response
            response.read()
            response.close()
            if attempt < self.retry.max_retries and should_retry_response(response, idempotent=safe):
                time.sleep(self.retry.delay(attempt, retry_after_seconds(response.headers.get("Retry-After"))))
                attempt += 1
                continue
            raise error_from_response(response)

    def get_json(self, url: str, params: Params = None) -> dict[str, Any]:
        body: dict[str, Any] = self.request("GET", url, params=params).json()
        return body

    def pager(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T], limit: int | None = None
    ) -> PageIterator[T]:
        return PageIterator(self.get_json, base_url=self.base_url, path=path, params=params, parse=parse, limit=limit)


class Generations:
    def __init__(self, client: Beacon) -> None:
        self._client = client

    def create(
        self,
        template_id: str,
        parameters: dict[str, Any],
        *,
        template_version: str | None = None,
        output_schema: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Generation:
        """Submit a job. Without `idempotency_key` one is made (a UUID) and
        kept over the retries, so a retried submission never makes two jobs."""
        body = _payloads.generation_body(
            template_id, parameters, template_version=template_version, output_schema=output_schema, options=options
        )
        key = idempotency_key or str(uuid.uuid4())
        response = self._client.request(
            "POST",
            GENERATIONS,
            json=body,
            headers={"Idempotency-Key": key},
            idempotent=True,
            timeout=sync_read_timeout(options),
        )
        return Generation.from_api(response.json()["data"])

    def get(self, generation_id: str) -> Generation:
        return Generation.from_api(self._client.get_json(f"{GENERATIONS}/{generation_id}")["data"])

    def list(
        self,
        *,
        status: str | builtins.list[str] | None = None,
        template_id: str | None = None,
        project_id: str | None = None,
        batch_id: str | None = None,
        created_after: datetime | str | None = None,
        created_before: datetime | str | None = None,
        per_page: int | None = None,
        limit: int | None = None,
    ) -> PageIterator[Generation]:
        """Jobs, newest first, across as many pages as the iteration takes;
        `batch_id`: the jobs of one batch."""
        params = _payloads.generation_filters(
            status=status,
            template_id=template_id,
            project_id=project_id,
            batch_id=batch_id,
            created_after=created_after,
            created_before=created_before,
            per_page=per_page,
        )
        return self._client.pager(GENERATIONS, params, Generation.from_api, limit)

    def cancel(self, generation_id: str) -> None:
        self._client.request("DELETE", f"{GENERATIONS}/{generation_id}")

    def events(self, generation_id: str) -> builtins.list[JobEvent]:
        body = self._client.get_json(f"{GENERATIONS}/{generation_id}/events")
        return [JobEvent.from_api(item) for item in body["data"]]

    def stream(self, generation_id: str, *, last_event_id: str | None = None) -> Iterator[JobEvent]:
        """The job's events as they happen (every event so far first), until
        it ends. Reconnects with `Last-Event-ID` when Beacon closes a long stream."""
        state = StreamState(last_event_id=last_event_id)
        for message in self._messages(generation_id, state, deadline=None):
            if message.event != "end":
                yield state.event_of(message)

    def _messages(self, generation_id: str, state: StreamState, *, deadline: float | None) -> Iterator[ServerSentEvent]:
        """SSE messages up to and including `end`; returns early at `deadline`."""
        while not state.ended and not state.past(deadline):
            response = self._client.request(
                "GET",
                f"{GENERATIONS}/{generation_id}/stream",
                headers=state.headers(),
                stream=True,
                timeout=state.timeout(deadline, DEFAULT_TIMEOUT, STREAM_READ_TIMEOUT),
            )
            error: Exception | None = None
            try:
                for line in response.iter_lines():
                    message = state.feed(line)
                    if message is not None:
                        yield message
                    if state.ended or state.past(deadline):
                        return
            except httpx.TransportError as exc:
                error = exc
            finally:
                response.close()
            state.closed(deadline, error)
            time.sleep(state.reconnect_delay(deadline))

    def wait(
        self,
        generation_id: str,
        *,
        timeout: float = 300.0,
        poll: bool = True,
        interval: float = 0.25,
        max_interval: float = 3.0,
        return_on_review: bool = False,
        on_update: OnUpdate | None = None,
    ) -> Generation:
        """The job once it ended (`completed`, `failed`, `rejected`,
        `cancelled`; also `reviewing` with `return_on_review`). Polls with
        exponential backoff (`interval` doubling up to `max_interval`), or
        with `poll=False` follows the event stream. `WaitTimeout` after `timeout`."""
        wait = WaitState(generation_id, timeout=timeout, return_on_review=return_on_review, on_update=on_update)
        if not poll:
            state = StreamState()
            for message in self._messages(generation_id, state, deadline=wait.deadline):
                if wait.settled_by(message, state):
                    return self.get(generation_id)
            wait.timed_out()
        delay = interval
        while True:
            generation = self.get(generation_id)
            if wait.settled(generation):
                return generation
            remaining = wait.remaining()
            if remaining <= 0:
                wait.timed_out(generation)
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, max_interval)
