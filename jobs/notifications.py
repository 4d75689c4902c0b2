"""Wake-ups for waiters in the web tier when a job gets a new event.

The database stays the source of truth: a notification carries nothing but
"look again". Every committed JobEvent publishes one on the job's Redis
channel; a stream or a sync wait subscribes to its job's channel and reads the
database when woken, and at least every FALLBACK_SECONDS anyway, so a lost
notification (Redis restarted, a publish that failed) costs latency, never a
missed event.

One subscription connection per event loop (so per web process under ASGI)
serves every waiter in it: channels are subscribed when their first waiter
arrives and dropped with their last, and the connection closes when nobody
waits. Waiting holds no thread and no database connection.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from weakref import WeakKeyDictionary

import redis
import redis.asyncio as aioredis
from django.conf import settings

from common.redis_client import redis_client

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "beacon:job-changed:"
# How long a waiter sleeps without a notification before it reads the
# database anyway: the bound on latency when notifications are lost. Each
# wait is jittered, so hundreds of streams opened together do not all read
# in the same instant every period.
FALLBACK_SECONDS = 30.0


def fallback_delay() -> float:
    return FALLBACK_SECONDS * random.uniform(0.8, 1.2)  # noqa: S311 - spreading load, not a secret


def job_changed_notify(job_id: str) -> None:
    """Tell waiters on `job_id` to look again. Called after commit."""
    # On failure waiters still read the database every FALLBACK_SECONDS.
    with contextlib.suppress(redis.RedisError):
        redis_client().publish(CHANNEL_PREFIX + job_id, b"1")


class _Listener:
    """The per-loop subscription: job id -> the events of its waiters."""

    def __init__(self) -> None:
        self.waiters: dict[str, set[asyncio.Event]] = {}
        self.client: aioredis.Redis | None = None
        self.pubsub: aioredis.client.PubSub | None = None
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def add(self, job_id: str) -> asyncio.Event:
        event = asyncio.Event()
        async with self.lock:
            waiters = self.waiters.setdefault(job_id, set())
            waiters.add(event)
            if len(waiters) == 1:
                await self._subscribe(job_id)
        return event

    async def remove(self, job_id: str, event: asyncio.Event) -> None:
        async with self.lock:
            waiters = self.waiters.get(job_id, set())
            waiters.discard(event)
            if waiters:
                return
            self.waiters.pop(job_id, None)
            if self.pubsub is None:
                return
            try:
                if self.waiters:
                    await self.pubsub.unsubscribe(CHANNEL_PREFIX + job_id)
                else:
                    await self._close()
            except (redis.RedisError, OSError):
                await self._close()

    async def _subscribe(self, job_id: str) -> None:
        try:
            if self.pubsub is None:
                self.client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1.0)
                self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            await self.pubsub.subscribe(CHANNEL_PREFIX + job_id)
            if self.reader is None or self.reader.done():
                self.reader = asyncio.get_running_loop().create_task(self._read())
        except (redis.RedisError, OSError):
            logger.warning("job notifications: Redis unavailable; waiters poll every %ss", FALLBACK_SECONDS)
            await self._close()

    async def _read(self) -> None:
        pubsub = self.pubsub
        try:
            while pubsub is not None and pubsub.subscribed:
                message = await pubsub.get_message(timeout=1.0)
                if message is None or message.get("type") != "message":
                    continue
                channel = message["channel"].decode()
                for event in self.waiters.get(channel.removeprefix(CHANNEL_PREFIX), ()):
                    event.set()
        except (redis.RedisError, OSError):
            logger.warning("job notifications: subscription lost; waiters poll every %ss", FALLBACK_SECONDS)
            if self.pubsub is pubsub:
                self.reader = None
                await self._close()

    async def _close(self) -> None:
        client, pubsub, reader = self.client, self.pubsub, self.reader
        self.client = self.pubsub = self.reader = None
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
        with contextlib.suppress(Exception):
            if pubsub is not None:
                await pubsub.aclose()
            if client is not None:
                await client.aclose()


_listeners: "WeakKeyDictionary[asyncio.AbstractEventLoop, _Listener]" = WeakKeyDictionary()


@contextlib.asynccontextmanager
async def job_changes(job_id: str) -> AsyncIterator[Callable[[float], Awaitable[bool]]]:
    """Subscribe to `job_id`'s notifications for the block. Yields `changed`:
    `await changed(seconds)` returns True when the job got a new event since
    the last call, False after `seconds` without one. Subscribing comes before
    the caller's first read, so nothing committed in between is missed.
    """
    loop = asyncio.get_running_loop()
    listener = _listeners.get(loop)
    if listener is None:
        listener = _listeners[loop] = _Listener()
    event = await listener.add(job_id)

    async def changed(seconds: float) -> bool:
        try:
            await asyncio.wait_for(event.wait(), timeout=max(0.0, seconds))
        except TimeoutError:
            return False
        event.clear()
        return True

    try:
        yield changed
    finally:
        await asyncio.shield(listener.remove(job_id, event))
