"""One Redis client per process for Beacon's own keys (breakers, cache, budgets).

Short timeouts: callers treat Redis as an accelerator that may be down (a
breaker fails open, a cache misses), so it must never be why a call hangs.
"""

from functools import cache

import redis
from django.conf import settings


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


def redis_client() -> redis.Redis:
    return _client(settings.REDIS_URL)
