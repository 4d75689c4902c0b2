"""Where a request's blocking work runs under the ASGI server.

beacon/asgi.py runs each request's middleware and view on a small pool of
long-lived threads per web process, as a threaded WSGI server does: a thread
keeps its database connection from one request to the next, and the pool's
size bounds how many requests touch the database at once. Code that waits on
the event loop (jobs/streaming.py) runs its short reads on the same threads
through `run_blocking`, so a thousand waiting streams never need more threads
or connections than the pool has.

Outside the ASGI server (the test client, management commands) there is no
pool: `run_blocking` runs the work thread-sensitively, on the caller's thread
(whose connection also holds a test's transaction).
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, Token
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections

T = TypeVar("T")

_threads: ContextVar[ThreadPoolExecutor | None] = ContextVar("beacon_request_threads", default=None)


def request_threads_use(executor: ThreadPoolExecutor) -> Token[ThreadPoolExecutor | None]:
    """Make `executor` the request threads for this context (the ASGI handler's)."""
    return _threads.set(executor)


def request_threads_reset(token: Token[ThreadPoolExecutor | None]) -> None:
    _threads.reset(token)


def _fresh(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    # As Django does around each request (request_started): a connection
    # that broke or outlived CONN_MAX_AGE is dropped before it is used.
    close_old_connections()
    return fn(*args, **kwargs)


async def run_blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    executor = _threads.get()
    if executor is None:
        return await sync_to_async(fn, thread_sensitive=True)(*args, **kwargs)
    return await sync_to_async(_fresh, thread_sensitive=False, executor=executor)(fn, *args, **kwargs)
