"""Response headers that views cannot set on every answer themselves."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class RateLimitHeadersMiddleware:
    """X-RateLimit-* on every answer to a request the rate limiter counted,
    the 429 included (tenants/rate_limits.py). `X-RateLimit-Reset` is the
    Unix time (seconds) when a slot frees, as the PRD shows it; `Retry-After`
    on a 429 gives the same moment in seconds from now."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        state = getattr(request, "beacon_rate", None)
        if state is not None:
            response["X-RateLimit-Limit"] = str(state.limit)
            response["X-RateLimit-Remaining"] = str(state.remaining)
            response["X-RateLimit-Reset"] = str(int(time.time()) + state.reset_seconds)
        return response
