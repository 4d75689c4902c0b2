"""The asynchronous client: `Beacon`'s surface, awaited.

    from beacon_client import AsyncBeacon

    async with AsyncBeacon() as beacon:
        job = await beacon.generations.create("metadata_enrichment", {"content": "Blue cotton shirt, size M",
                                                                      "locale": "en-US"})
        done = await beacon.generations.wait(job.id, timeout=120)
        async for generation in beacon.generations.list(status="failed"):
            ...

Retries, idempotency keys and stream reconnection behave as in `client.py`.
"""

from __future__ import annotations

import asyncio
import builtins
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import aclosing
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
from beacon_client.async_batches import AsyncBatches
from beacon_client.async_resources import (
    AsyncKeys,
    AsyncSchemas,
    AsyncTemplates,
    AsyncTrash,
    AsyncUsage,
    AsyncWebhookEndpoints,
)
from beacon_client.config import load_config
from beacon_client.errors import error_from_response, retry_after_seconds
from beacon_client.models import Generation, JobEvent
from beacon_client.pagination import AsyncPageIterator, Params
from beacon_client.sse import ServerSentEvent

__all__ = ["AsyncBeacon"]

OnUpdate = Callable[[str, str], None]
T = TypeVar("T")


class AsyncBeacon:
    """An asynchronous client for one Beacon deployment and one API key."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        config = load_config(url=base_url, api_key=api_key)
        self.api_key, self.base_url = check_settings(config.api_key, config.url)
        self.retry = retry or RetryPolicy()
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers=base_headers(self.api_key), timeout=timeout, transport=transport
        )
        self.generations = AsyncGenerations(self)
        self.templates = AsyncTemplates(self)
        self.schemas = AsyncSchemas(self)
        self.usage = AsyncUsage(self)
        self.webhook_endpoints = AsyncWebhookEndpoints(self)
        self.keys = AsyncKeys(self)
        self.trash = AsyncTrash(self)
        self.batches = AsyncBatches(self)

    async def __aenter__(self) -> AsyncBeacon:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
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
                response = await self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                if attempt >= self.retry.max_retries or not should_retry_exception(exc, idempotent=safe):
                    raise connection_error(exc, method=method, url=str(request.url), attempts=attempt + 1) from exc
                await asyncio.sleep(self.retry.delay(attempt))
                attempt += 1
                continue
            if response.is_success:
                return response
            await response.aread()
            await response.aclose()
            if attempt < self.retry.max_retries and should_retry_response(response, idempotent=safe):
                await asyncio.sleep(self.retry.delay(attempt, retry_after_seconds(response.headers.get("Retry-After"))))
                attempt += 1
                continue
            raise error_from_response(response)

    async def get_json(self, url: str, params: Params = None) -> dict[str, Any]:
        body: dict[str, Any] = (await self.request("GET", url, params=params)).json()
        return body

    def pager(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T], limit: int | None = None
    ) -> AsyncPageIterator[T]:
        return AsyncPageIterator(
            self.get_json, base_url=self.base_url, path=path, params=params, parse=parse, limit=limit
        )


class AsyncGenerations:
    def __init__(self, client: AsyncBeacon) -> None:
        self._client = client

    async def create(
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
        response = await self._client.request(
            "POST",
            GENERATIONS,
            json=body,
            headers={"Idempotency-Key": key},
            idempotent=True,
            timeout=sync_read_timeout(options),
        )
        return Generation.from_api(response.json()["data"])

    async def get(self, generation_id: str) -> Generation:
        return Generation.from_api((await self._client.get_json(f"{GENERATIONS}/{generation_id}"))["data"])

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
    ) -> AsyncPageIterator[Generation]:
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

    async def cancel(self, generation_id: str) -> None:
        await self._client.request("DELETE", f"{GENERATIONS}/{generation_id}")

    async def events(self, generation_id: str) -> builtins.list[JobEvent]:
        body = await self._client.get_json(f"{GENERATIONS}/{generation_id}/events")
        return [JobEvent.from_api(item) for item in body["data"]]

    async def stream(self, generation_id: str, *, last_event_id: str | None = None) -> AsyncIterator[JobEvent]:
        """The job's events as they happen (every event so far first), until
        it ends. Reconnects with `Last-Event-ID` when Beacon closes a long stream."""
        state = StreamState(last_event_id=last_event_id)
        # An async generator left early is closed only when collected: close
        # it (and its open response) as soon as the caller stops.
        async with aclosing(self._messages(generation_id, state, deadline=None)) as messages:
            async for message in messages:
                if message.event != "end":
                    yield state.event_of(message)

    async def _messages(
        self, generation_id: str, state: StreamState, *, deadline: float | None
    ) -> AsyncGenerator[ServerSentEvent, None]:
        """SSE messages up to and including `end`; returns early at `deadline`."""
        while not state.ended and not state.past(deadline):
            response = await self._client.request(
                "GET",
                f"{GENERATIONS}/{generation_id}/stream",
                headers=state.headers(),
                stream=True,
                timeout=state.timeout(deadline, DEFAULT_TIMEOUT, STREAM_READ_TIMEOUT),
            )
            error: Exception | None = None
            try:
                async for line in response.aiter_lines():
                    message = state.feed(line)
                    if message is not None:
                        yield message
                    if state.ended or state.past(deadline):
                        return
            except httpx.TransportError as exc:
                error = exc
            finally:
                await response.aclose()
            state.closed(deadline, error)
            await asyncio.sleep(state.reconnect_delay(deadline))

    async def wait(
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
            async with aclosing(self._messages(generation_id, state, deadline=wait.deadline)) as messages:
                async for message in messages:
                    if wait.settled_by(message, state):
                        break
                else:
                    wait.timed_out()
            return await self.get(generation_id)
        delay = interval
        while True:
            generation = await self.get(generation_id)
            if wait.settled(generation):
                return generation
            remaining = wait.remaining()
            if remaining <= 0:
                wait.timed_out(generation)
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, max_interval)
