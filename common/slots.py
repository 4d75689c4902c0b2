"""Concurrency slots shared by every web process: at most N holders per owner.

A slot is a member of a Redis sorted set scored by its expiry, so a holder
that dies without releasing (a killed process, a lost connection) frees its
slot when the expiry passes; nothing has to clean up after it. Taking a slot
is one Lua script (expire the stale members, count, add), so two processes
never both take the last one.

Redis is an accelerator here as everywhere (common/redis_client.py): when it
cannot be reached, `slot_take` lets the caller in rather than refusing every
stream and sync wait of every organization.
"""

import logging
import math
import time
import uuid
from dataclasses import dataclass

import redis

from common.redis_client import redis_client

logger = logging.getLogger(__name__)

_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, oldest[2] or ARGV[2]}
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {1, ARGV[2]}
"""


@dataclass(frozen=True)
class Slot:
    key: str
    member: str


@dataclass(frozen=True)
class SlotRefused:
    """Every slot is taken; the earliest frees itself in `retry_after` seconds at most."""

    retry_after: int


def slot_take(*, kind: str, owner: str, limit: int, hold_seconds: float) -> Slot | SlotRefused | None:
    """Take one of `limit` slots of `kind` for `owner`, held at most
    `hold_seconds`. None when Redis is down (the caller goes on unslotted)."""
    key = f"beacon:slots:{kind}:{owner}"
    member = uuid.uuid4().hex
    now = time.time()
    try:
        taken, score = redis_client().eval(
            _TAKE, 1, key, now, now + hold_seconds, limit, member, math.ceil(hold_seconds) + 60
        )
    except redis.RedisError:
        logger.warning("slots: Redis unavailable; %s for %s not counted", kind, owner)
        return None
    if int(taken):
        return Slot(key=key, member=member)
    # Streams end sooner than their maximum as jobs finish; a client retries
    # in a few seconds rather than waiting for the oldest slot's deadline.
    return SlotRefused(retry_after=max(1, min(30, math.ceil(float(score) - now))))


def slot_release(slot: Slot | None) -> None:
    if slot is None:
        return
    try:
        redis_client().zrem(slot.key, slot.member)
    except redis.RedisError:
        logger.warning("slots: Redis unavailable; %s frees itself at its expiry", slot.key)


def slots_held(*, kind: str, owner: str) -> int:
    key = f"beacon:slots:{kind}:{owner}"
    return int(redis_client().zcount(key, time.time(), "+inf"))
