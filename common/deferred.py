"""An API answer that is finished after the view returns, on the event loop.

A view that would otherwise block a thread while it waits (sync-mode
submission) returns a DeferredResponse; the ASGI handler (beacon/asgi.py)
awaits `settle()`, which may change the status and body, before it sends.
Middleware has already run on the way out, so its headers stay.
"""

from rest_framework.response import Response


class DeferredResponse(Response):
    async def settle(self) -> None:
        raise NotImplementedError
