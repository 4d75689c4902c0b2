"""Model tokens as they arrive, for the job's event stream.

The generate stage hands the gateway a TokenFeed; each piece of text the
model streams is buffered and appended, every FLUSH_SECONDS, to a short Redis
stream per job (`beacon:tokens:<job id>`), and the job's waiters are woken
(jobs/notifications.py). The SSE endpoint reads the stream beside the job's
events and sends each piece as a `token` event marked provisional: tokens
are what the model said before validation; the validated result comes in the
job's own events. Tokens are not history: they are capped per job and
expire after an hour, and a lost write (Redis away) costs only the preview.
"""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, cast

import redis
from django.conf import settings

from common.redis_client import redis_client
from jobs.notifications import job_changed_notify

KEY_PREFIX = "beacon:tokens:"
FLUSH_SECONDS = 0.1
MAX_ENTRIES = 2000  # per job: about a page of text in pieces; older ones are trimmed
TTL_SECONDS = 3600


def tokens_key(job_id: str) -> str:
    return KEY_PREFIX + job_id


@dataclass
class TokenFeed:
    job_id: str
    generation: int
    _buffer: list[str] = field(default_factory=list)
    _flushed_at: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, text: str) -> None:
        with self._lock:
            self._buffer.append(text)
            if time.monotonic() - self._flushed_at < FLUSH_SECONDS:
                return
        self.flush()

    def flush(self) -> None:
        with self._lock:
            text, self._buffer = "".join(self._buffer), []
            self._flushed_at = time.monotonic()
        if not text:
            return
        with contextlib.suppress(redis.RedisError):
            pipe = redis_client().pipeline(transaction=False)
            key = tokens_key(self.job_id)
            pipe.xadd(key, {"g": str(self.generation), "t": text}, maxlen=MAX_ENTRIES, approximate=True)
            pipe.expire(key, TTL_SECONDS)
            pipe.execute()
            job_changed_notify(self.job_id)


def tokens_after(job_id: str, after: str) -> tuple[list[dict[str, Any]], str]:
    """The job's streamed pieces after entry id `after` ("0": all), and the
    last id read. Empty when streaming is off or Redis is away."""
    if not settings.BEACON_STREAM_TOKENS:
        return [], after
    try:
        entries = redis_client().xrange(tokens_key(job_id), min=f"({after}" if after != "0" else "-", count=500)
    except redis.RedisError:
        return [], after
    pieces = []
    for entry_id, fields in cast(list[tuple[bytes, dict[bytes, bytes]]], entries or []):
        pieces.append({"generation": int(fields[b"g"]), "text": fields[b"t"].decode(), "provisional": True})
        after = entry_id.decode()
    return pieces, after
