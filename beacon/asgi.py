"""The web tier's entry point: Django under an ASGI server (gunicorn with
uvicorn workers, docker/gunicorn.conf.py; `make run` the same).

Why ASGI: a Server-Sent Events stream or a sync-mode submission waits for a
job for minutes. Under a threaded WSGI server each held one of a handful of
threads, so a few open streams from one organization stopped every other
organization's submissions. Here both wait on the event loop: a stream's
iterator is asynchronous, and a sync-mode answer (jobs.streaming.
SyncWaitResponse) leaves the view as a 202 that this handler settles before
sending.
"""

import asyncio
import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.asgi import get_asgi_application
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpResponseBase
from django.urls import set_script_prefix

from beacon.tracing import tracing_setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
tracing_setup("beacon-web")  # before Django builds its middleware; off unless configured
get_asgi_application()  # django.setup(), before anything below imports models

from common.deferred import DeferredResponse  # noqa: E402
from common.request_threads import request_threads_reset, request_threads_use, run_blocking  # noqa: E402


class BeaconAsgiHandler(ASGIHandler):
    """Django's ASGI handler, serving ordinary requests the way a threaded
    WSGI server does, and waiting on the event loop only where a request
    waits for long.

    - Everything synchronous about a request (the request signals, building
      the request, the middleware chain and the view) runs in one hop on one
      of BEACON_WEB_THREADS long-lived threads (common/request_threads.py),
      and closing the response (which writes the audit row) in a second hop
      after the answer has gone. Django's own handler hops between the loop
      and a thread created for each request several times, and opens a
      database connection per request thread: Beacon's acknowledgements cost
      about half as much CPU again that way (docs/benchmarks.md).
    - A streamed answer is sent from the event loop, and a DeferredResponse
      settled there, while the client's disconnect is watched for: a client
      that leaves ends its stream or wait at once.
    """

    def __init__(self) -> None:
        super().__init__()
        self.threads = ThreadPoolExecutor(max_workers=settings.BEACON_WEB_THREADS, thread_name_prefix="request")

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Beacon serves only HTTP connections, not {scope['type']}.")
        token = request_threads_use(self.threads)
        try:
            await self.handle(scope, receive, send)
        finally:
            request_threads_reset(token)

    async def handle(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            response = await run_blocking(self._respond, scope, body_file)
            try:
                if response.streaming or isinstance(response, DeferredResponse):
                    await self._send_watching(response, receive, send)
                else:
                    await self.send_response(response, send)
            finally:
                await run_blocking(response.close)

    def _respond(self, scope: Any, body_file: Any) -> HttpResponseBase:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None
            return error_response
        response = self.get_response(request)
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        return response

    async def _send_watching(self, response: HttpResponseBase, receive: Any, send: Any) -> None:
        async def answer() -> None:
            if isinstance(response, DeferredResponse):
                await response.settle()
            await self.send_response(response, send)

        answering = asyncio.ensure_future(answer())
        listening = asyncio.ensure_future(self.listen_for_disconnect(receive))
        await asyncio.wait([answering, listening], return_when=asyncio.FIRST_COMPLETED)
        for task in (listening, answering):
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, RequestAborted):
                await task


application = BeaconAsgiHandler()
