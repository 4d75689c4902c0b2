"""The web tier's entry point: Django under an ASGI server (gunicorn with
uvicorn workers, docker/gunicorn.conf.py; `make run` the same).

Why ASGI: a Server-Sent Events stream or a sync-mode submission waits for a
job for minutes. Under a threaded WSGI server each held one of a handful of
threads, so a few open streams from one organization stopped every other
organization's submissions. Here both wait on the event loop: a stream's
iterator is asynchronous, and a sync-mode answer (jobs.streaming.
SyncWaitResponse) leaves the view as a 202 that this handler settles before
sending. Ordinary API views stay synchronous; Django runs each on its own
thread with a pooled database connection (BEACON_DB_POOL).
"""

import os

from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponseBase

from beacon.tracing import tracing_setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
# Each request runs on a fresh thread: connections come from a pool, not
# from thread-local persistent connections (beacon/settings/base.py).
os.environ.setdefault("BEACON_DB_POOL", "true")
tracing_setup("beacon-web")  # before Django builds its middleware; off unless configured
get_asgi_application()  # django.setup(), before anything below imports models

from common.deferred import DeferredResponse  # noqa: E402


class BeaconAsgiHandler(ASGIHandler):
    async def send_response(self, response: HttpResponseBase, send: object) -> None:
        if isinstance(response, DeferredResponse):
            await response.settle()
        await super().send_response(response, send)  # type: ignore[arg-type]


application = BeaconAsgiHandler()
