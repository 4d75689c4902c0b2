"""The asynchronous client's batches (see `beacon_client.batches`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Any, Protocol, TypeVar

import httpx

from beacon_client._batches import BATCHES, UPLOAD_TIMEOUT, BatchRequests, BatchWait, JsonlUpload, batch_params
from beacon_client.models import Batch, BatchResult
from beacon_client.pagination import AsyncPageIterator, Params

T = TypeVar("T")


class AsyncBatchTransport(Protocol):
    """What the batches need of the client (`AsyncBeacon`)."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        content: Any = None,
        params: Params = None,
        headers: dict[str, str] | None = None,
        idempotent: bool | None = None,
        stream: bool = False,
        timeout: float | httpx.Timeout | None = None,
    ) -> httpx.Response: ...

    async def get_json(self, url: str, params: Params = None) -> dict[str, Any]: ...

    def pager(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T], limit: int | None = None
    ) -> AsyncPageIterator[T]: ...


class AsyncBatches:
    def __init__(self, client: AsyncBatchTransport) -> None:
        self._client = client

    async def create(
        self,
        requests: BatchRequests,
        *,
        priority: str | None = None,
        webhook_url: str | None = None,
        completion_window_hours: int | None = None,
    ) -> Batch:
        """Upload a batch, as `Beacon.batches.create` does: a file is streamed
        from disk (reads in a thread), dicts are written to a temporary file
        first (in memory up to 8 MiB), and the size goes as `Content-Length`.
        Not sent again after a lost answer (no Idempotency-Key for batches)."""
        params = batch_params(
            priority=priority, webhook_url=webhook_url, completion_window_hours=completion_window_hours
        )
        with JsonlUpload.open(requests) as upload:
            response = await self._client.request(
                "POST",
                BATCHES,
                content=upload.async_body(),
                params=params,
                headers=upload.headers(),
                idempotent=False,
                timeout=UPLOAD_TIMEOUT,
            )
        return Batch.from_api(response.json()["data"])

    async def get(self, batch_id: str) -> Batch:
        """The batch, its counts, and its first 100 `line_errors`."""
        return Batch.from_api((await self._client.get_json(f"{BATCHES}/{batch_id}"))["data"])

    def list(self, *, per_page: int | None = None, limit: int | None = None) -> AsyncPageIterator[Batch]:
        """Batches, newest first, across as many pages as the iteration takes."""
        params = {"perPage": per_page} if per_page is not None else None
        return self._client.pager(BATCHES, params, Batch.from_api, limit)

    async def cancel(self, batch_id: str) -> Batch:
        """Cancel the jobs not yet started; started ones finish, then the batch ends `cancelled`."""
        response = await self._client.request("POST", f"{BATCHES}/{batch_id}/cancel", idempotent=True)
        return Batch.from_api(response.json()["data"])

    async def results(self, batch_id: str) -> AsyncGenerator[BatchResult, None]:
        """The results by line number, read as they arrive (`async for`)."""
        response = await self._client.request("GET", f"{BATCHES}/{batch_id}/results", stream=True)
        try:
            async for line in response.aiter_lines():
                if line.strip():
                    yield BatchResult.from_api(json.loads(line))
        finally:
            await response.aclose()

    async def wait(
        self,
        batch_id: str,
        *,
        timeout: float = 3600.0,
        interval: float = 0.5,
        max_interval: float = 5.0,
        on_update: Callable[[Batch], None] | None = None,
    ) -> Batch:
        """The batch once it ended; polls with exponential backoff. `WaitTimeout` after `timeout`."""
        wait = BatchWait(batch_id, timeout=timeout)
        delay = interval
        while True:
            batch = await self.get(batch_id)
            if on_update is not None:
                on_update(batch)
            if batch.is_terminal:
                return batch
            remaining = wait.remaining()
            if remaining <= 0:
                wait.timed_out(batch)
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, max_interval)
