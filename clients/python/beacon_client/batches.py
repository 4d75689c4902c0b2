"""The synchronous client's batches: many generation requests in one upload.

with Beacon() as beacon:
    batch = beacon.batches.create("products.jsonl")  # {"custom_id", "body"} per line
    beacon.batches.wait(batch.id, timeout=3600)
    for line in beacon.batches.results(batch.id):
        print(line.custom_id, line.status, line.result or line.error)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol, TypeVar

import httpx

from beacon_client._batches import BATCHES, UPLOAD_TIMEOUT, BatchRequests, BatchWait, JsonlUpload, batch_params
from beacon_client.models import Batch, BatchResult
from beacon_client.pagination import PageIterator, Params

T = TypeVar("T")


class BatchTransport(Protocol):
    """What the batches need of the client (`Beacon`)."""

    def request(
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

    def get_json(self, url: str, params: Params = None) -> dict[str, Any]: ...

    def pager(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T], limit: int | None = None
    ) -> PageIterator[T]: ...


class Batches:
    def __init__(self, client: BatchTransport) -> None:
        self._client = client

    def create(
        self,
        requests: BatchRequests,
        *,
        priority: str | None = None,
        webhook_url: str | None = None,
        completion_window_hours: int | None = None,
    ) -> Batch:
        """Upload a batch: the path of a JSON Lines file, or an iterable of
        dicts, one `{"custom_id": ..., "body": {templateId, parameters, ...}}`
        per request (`batch_request` builds one). `priority` is `low` unless
        given; `completion_window_hours` 1 to 168 (24).

        The upload is streamed in 64 KiB chunks with its size as
        `Content-Length`: a file straight from disk; dicts written first to a
        temporary file (in memory up to 8 MiB, on disk past that), so neither
        is held whole. Bad lines do not fail the upload: they are counted as
        `invalid` and listed in `line_errors` and the results.

        Beacon takes no Idempotency-Key for batches, so an upload whose answer
        was lost is not sent again (that would make a second batch); uploads
        refused outright (429, 503, no connection) are, from the start."""
        params = batch_params(
            priority=priority, webhook_url=webhook_url, completion_window_hours=completion_window_hours
        )
        with JsonlUpload.open(requests) as upload:
            response = self._client.request(
                "POST",
                BATCHES,
                content=upload.sync_body(),
                params=params,
                headers=upload.headers(),
                idempotent=False,
                timeout=UPLOAD_TIMEOUT,
            )
        return Batch.from_api(response.json()["data"])

    def get(self, batch_id: str) -> Batch:
        """The batch, its counts, and its first 100 `line_errors`."""
        return Batch.from_api(self._client.get_json(f"{BATCHES}/{batch_id}")["data"])

    def list(self, *, per_page: int | None = None, limit: int | None = None) -> PageIterator[Batch]:
        """Batches, newest first, across as many pages as the iteration takes."""
        params = {"perPage": per_page} if per_page is not None else None
        return self._client.pager(BATCHES, params, Batch.from_api, limit)

    def cancel(self, batch_id: str) -> Batch:
        """Cancel the jobs not yet started; started ones finish, then the
        batch ends `cancelled`. A batch that is ending or ended is answered as it is."""
        response = self._client.request("POST", f"{BATCHES}/{batch_id}/cancel", idempotent=True)
        return Batch.from_api(response.json()["data"])

    def results(self, batch_id: str) -> Iterator[BatchResult]:
        """The results by line number, read as they arrive: each ended job and
        each refused line. Jobs still running are left out; read again later."""
        response = self._client.request("GET", f"{BATCHES}/{batch_id}/results", stream=True)
        try:
            for line in response.iter_lines():
                if line.strip():
                    yield BatchResult.from_api(json.loads(line))
        finally:
            response.close()

    def wait(
        self,
        batch_id: str,
        *,
        timeout: float = 3600.0,
        interval: float = 0.5,
        max_interval: float = 5.0,
        on_update: Callable[[Batch], None] | None = None,
    ) -> Batch:
        """The batch once it ended (`completed`, `cancelled`, `expired`,
        `failed`). Polls with exponential backoff (`interval` doubling up to
        `max_interval`); `on_update` sees every batch read. `WaitTimeout`
        after `timeout` seconds."""
        wait = BatchWait(batch_id, timeout=timeout)
        delay = interval
        while True:
            batch = self.get(batch_id)
            if on_update is not None:
                on_update(batch)
            if batch.is_terminal:
                return batch
            remaining = wait.remaining()
            if remaining <= 0:
                wait.timed_out(batch)
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, max_interval)
