"""Load shedding: when the stage queues are deeper than the workers can work
off soon, low-priority submissions are turned away (503, Retry-After) while
normal and high ones are still accepted. A burst of ordinary work queues; it
is not refused.
"""

import logging
from functools import cache
from typing import Any

import redis
from amqp.exceptions import AMQPError, ChannelError
from django.conf import settings
from kombu import Connection
from kombu.exceptions import OperationalError

from common.queues import broker_is_amqp, queue_for, with_high_queues

logger = logging.getLogger(__name__)
SHED_QUEUES = ("default", "llm", "gpu")


@cache
def _broker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


def _redis_lengths(url: str, names: list[str]) -> dict[str, int]:
    pipe = _broker(url).pipeline(transaction=False)
    for name in names:
        pipe.llen(name)
    return {name: int(n) for name, n in zip(names, pipe.execute(), strict=True)}


def _amqp_lengths(url: str, names: list[str]) -> dict[str, int]:
    """A passive declare answers with the queue's ready messages; a queue
    nobody declared yet holds none (and the broker closes the channel)."""
    lengths = {}
    with Connection(url, connect_timeout=1.0) as connection:
        channel: Any = connection.channel()  # py-amqp's Channel; kombu types it as the abstract one
        for name in names:
            try:
                lengths[name] = int(channel.queue_declare(name, passive=True).message_count)
            except ChannelError:
                lengths[name] = 0
                channel = connection.channel()
    return lengths


def queue_lengths(names: tuple[str, ...] | list[str]) -> dict[str, int] | None:
    """Messages waiting per queue, its high-priority sibling counted in;
    None when the broker cannot be asked."""
    url = settings.CELERY_BROKER_URL
    every = with_high_queues(names)
    try:
        raw = _amqp_lengths(url, every) if broker_is_amqp(url) else _redis_lengths(url, every)
    except (redis.RedisError, OSError, AMQPError, OperationalError) as exc:
        logger.warning("queue depth unknown: %s", type(exc).__name__)
        return None
    return {name: raw[name] + raw[queue_for(name, "high")] for name in names}


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
