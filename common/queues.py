"""Queue names and broker kinds, shared by the Celery configuration (beacon)
and the code that publishes stage messages and reads queue depths (jobs).

`high` priority is a queue of its own beside each queue (`default.high`
beside `default`), on both brokers: RabbitMQ's quorum queues keep no
message priority, and Redis lists have none. A worker started for
`default` consumes `default.high` too (beacon/celery.py), and Celery reads
the queues a worker consumes in turn (Redis: BRPOP over both lists, the
last one served moved to the end; RabbitMQ: one consumer per queue, each
with a prefetch of one), so a high-priority message waits for at most one
normal message per free worker process, however long the normal backlog.
"""

from collections.abc import Iterable

HIGH_SUFFIX = ".high"
AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")


def queue_for(queue: str, priority: str) -> str:
    """The queue a message of this priority goes to."""
    return f"{queue}{HIGH_SUFFIX}" if priority == "high" else queue


def with_high_queues(queues: Iterable[str]) -> list[str]:
    """Each queue followed by its high-priority sibling."""
    return [name for queue in queues for name in (queue, f"{queue}{HIGH_SUFFIX}")]


def broker_is_amqp(url: str) -> bool:
    return url.startswith(AMQP_SCHEMES)
