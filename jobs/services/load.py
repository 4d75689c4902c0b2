"""Load shedding: when the stage queues are deeper than the workers can work
off soon, low-priority submissions are turned away (503, Retry-After) while
normal and high ones are still accepted. A burst of ordinary work queues; it
is not refused.
"""

import logging
from functools import cache

import redis
from django.conf import settings

logger = logging.getLogger(__name__)
SHED_QUEUES = ("default", "llm", "gpu")


@cache
def _broker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


def queue_lengths(names: tuple[str, ...] | list[str]) -> dict[str, int] | None:
    """Messages waiting per queue (the broker's lists); None when the broker
    cannot be asked."""
    try:
        pipe = _broker(settings.CELERY_BROKER_URL).pipeline(transaction=False)
        for name in names:
            pipe.llen(name)
        return {name: int(n) for name, n in zip(names, pipe.execute(), strict=True)}
    except redis.RedisError as exc:
        logger.warning("queue depth unknown: %s", type(exc).__name__)
        return None


def queue_depth() -> int | None:
    """Messages waiting in the stage queues."""
    lengths = queue_lengths(SHED_QUEUES)
    return None if lengths is None else sum(lengths.values())


def should_shed(priority: str) -> bool:
    limit = settings.BEACON_SHED_QUEUE_DEPTH
    if not limit or priority != "low":
        return False
    depth = queue_depth()
    return depth is not None and depth > limit
