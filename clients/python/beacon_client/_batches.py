"""What the sync and async batch resources share: the upload body, its
query parameters and the bookkeeping of a wait. No requests here."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NoReturn

import httpx

from beacon_client import _payloads
from beacon_client.errors import WaitTimeout
from beacon_client.models import Batch

BATCHES = "/api/v1/batches"
JSONL = "application/jsonl"
CHUNK_SIZE = 64 * 1024
# Requests given as dicts are written out before the upload starts, to learn
# the size Content-Length declares: in memory up to this size, then on disk.
SPOOL_MAX_BYTES = 8 * 1024 * 1024
# Beacon checks and stores every line before it answers (500 lines per
# transaction): the answer to a large upload takes a while.
UPLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0, read=600.0)

BatchRequests = Iterable[Mapping[str, Any]] | str | os.PathLike[str]


def batch_params(
    *, priority: str | None, webhook_url: str | None, completion_window_hours: int | None
) -> dict[str, Any]:
    """A JSONL upload's batch options travel as query parameters."""
    params = {"priority": priority, "webhookUrl": webhook_url, "completionWindowHours": completion_window_hours}
    return {name: value for name, value in params.items() if value is not None}


def batch_request(
    custom_id: str,
    template_id: str,
    parameters: dict[str, Any],
    *,
    template_version: str | None = None,
    output_schema: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One request of a batch: what `generations.create` would send, under a
    `custom_id` (unique in the batch) that the results name it by. The
    options `webhookUrl`, `mode`, `syncTimeoutSeconds` and `priority` belong
    to the whole batch: Beacon refuses them on a line."""
    body = _payloads.generation_body(
        template_id, parameters, template_version=template_version, output_schema=output_schema, options=options
    )
    return {"custom_id": custom_id, "body": body}


def json_line(request: Mapping[str, Any]) -> bytes:
    if not isinstance(request, Mapping):
        raise TypeError(f'each batch request is a dict {{"custom_id", "body"}}, not {type(request).__name__}')
    return json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class JsonlUpload:
    """A batch upload read from a file in chunks each time it is sent, so a
    100 MB upload is never held whole, and a retry (after a 429 or 503)
    sends it again from the start. Its size is known before it is sent:
    Beacon refuses an upload over its limit from `Content-Length` alone."""

    def __init__(self, file: IO[bytes], size: int) -> None:
        self._file = file
        self.size = size

    @classmethod
    def open(cls, requests: BatchRequests) -> JsonlUpload:
        """A path is read as it is (JSON Lines); dicts are serialized, one a
        line, to a temporary file first (`SPOOL_MAX_BYTES` in memory)."""
        if isinstance(requests, str | os.PathLike):
            file = Path(requests).open("rb")  # noqa: SIM115 (closed by close())
            return cls(file, os.fstat(file.fileno()).st_size)
        spooled: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115
        try:
            for request in requests:
                spooled.write(json_line(request))
        except BaseException:
            spooled.close()
            raise
        return cls(spooled, spooled.tell())

    def headers(self) -> dict[str, str]:
        # Set explicitly, Content-Length keeps httpx from sending the body chunked.
        return {"Content-Type": JSONL, "Content-Length": str(self.size)}

    def _next_size(self, sent: int) -> int:
        return min(CHUNK_SIZE, self.size - sent)

    def chunks(self) -> Iterator[bytes]:
        """The body from its start: exactly `size` bytes (a file that grew
        meanwhile is cut where Content-Length said it ends)."""
        self._file.seek(0)
        sent = 0
        while sent < self.size and (chunk := self._file.read(self._next_size(sent))):
            sent += len(chunk)
            yield chunk

    async def achunks(self) -> AsyncIterator[bytes]:
        """As `chunks`, the reads in a thread: the event loop does not wait on the disk."""
        await asyncio.to_thread(self._file.seek, 0)
        sent = 0
        while sent < self.size and (chunk := await asyncio.to_thread(self._file.read, self._next_size(sent))):
            sent += len(chunk)
            yield chunk

    def sync_body(self) -> Iterable[bytes]:
        return _SyncBody(self)

    def async_body(self) -> _AsyncBody:
        return _AsyncBody(self)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> JsonlUpload:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class _SyncBody:
    """An iterable, not a generator: httpx sends a generator once only, and
    refuses to send it again on a retry."""

    def __init__(self, upload: JsonlUpload) -> None:
        self._upload = upload

    def __iter__(self) -> Iterator[bytes]:
        return self._upload.chunks()


class _AsyncBody:
    def __init__(self, upload: JsonlUpload) -> None:
        self._upload = upload

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._upload.achunks()


class BatchWait:
    """A wait for a batch to end: its deadline and the last state seen."""

    def __init__(self, batch_id: str, *, timeout: float) -> None:
        self.batch_id = batch_id
        self.started = time.monotonic()
        self.deadline = self.started + timeout

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timed_out(self, batch: Batch) -> NoReturn:
        raise WaitTimeout(
            job_id=self.batch_id,
            status=batch.status,
            stage=None,
            waited=time.monotonic() - self.started,
            kind="batch",
        )
