"""Slow network I/O (model calls, webhooks) without pinning a database connection."""

import contextvars
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from django.conf import settings
from django.db import connection

T = TypeVar("T")


_executor: tuple[int, ThreadPoolExecutor] | None = None


def release_db_connection() -> None:
    """Give the connection back before slow network I/O. Never inside a
    transaction (the caller's work would be lost), which is also why tests,
    which wrap each test in one, keep theirs."""
    if not connection.in_atomic_block:
        connection.close()


def _call_thread() -> ThreadPoolExecutor:
    """One thread per worker process for slow calls (made after the fork)."""
    global _executor
    if _executor is None or _executor[0] != os.getpid():
        _executor = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="slow-call"))
    return _executor[1]


def without_db_connection_if_slow(call: Callable[[], T]) -> T:
    """Run `call` (network I/O that never touches the database); if it is
    still running after BEACON_DB_RELEASE_AFTER_MS, close this worker's
    database connection while it finishes. Fast calls keep the connection and
    the next stage skips a reconnect; long ones hold no connection slot."""
    future = _call_thread().submit(contextvars.copy_context().run, call)
    try:
        return future.result(timeout=settings.BEACON_DB_RELEASE_AFTER_MS / 1000)
    except FutureTimeout:
        release_db_connection()
        return future.result()
