"""A circuit breaker per deployment, shared by every worker through Redis.

closed     calls flow. A failure counts toward two triggers: N consecutive
           failures, or a failure ratio over a window with enough calls.
           Either one opens the breaker.
open       calls are refused (routing skips the deployment) until the cooldown
           ends.
half_open  after the cooldown one caller at a time is let through as a probe;
           its success closes the breaker, its failure opens it again.

State is one Redis hash per deployment. Recording an outcome is an optimistic
transaction (WATCH the hash, MULTI/EXEC the update, retry on a conflict), so
two workers recording at the same moment cannot lose an update; the probe is
a SET NX with a timeout, so exactly one caller takes it. No Lua: the embedded
Redis used by `make run` and the tests is 6.2, whose Lua engine has known
memory-safety bugs, and plain commands are enough here.
"""

import time
from dataclasses import dataclass
from typing import Any, cast

import redis
from django.conf import settings

from common.redis_client import redis_client as _redis

KEY_PREFIX = "beacon:breaker:"


@dataclass(frozen=True)
class BreakerPolicy:
    consecutive_failures: int
    failure_ratio: float
    min_calls: int
    window_seconds: float
    cooldown_seconds: float
    probe_timeout_seconds: float

    @classmethod
    def from_settings(cls) -> "BreakerPolicy":
        return cls(
            consecutive_failures=settings.LLM_BREAKER_CONSECUTIVE_FAILURES,
            failure_ratio=settings.LLM_BREAKER_FAILURE_RATIO,
            min_calls=settings.LLM_BREAKER_MIN_CALLS,
            window_seconds=settings.LLM_BREAKER_WINDOW_SECONDS,
            cooldown_seconds=settings.LLM_BREAKER_COOLDOWN_SECONDS,
            probe_timeout_seconds=settings.LLM_BREAKER_PROBE_TIMEOUT_SECONDS,
        )


def _key(deployment: str) -> str:
    return f"{KEY_PREFIX}{deployment}"


def _probe_key(deployment: str) -> str:
    return f"{KEY_PREFIX}{deployment}:probe"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _read(raw: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def breaker_allows(deployment: str, policy: BreakerPolicy | None = None) -> bool:
    """May a call to `deployment` go ahead now? Takes the probe slot when half open.

    If Redis itself is unreachable the breaker fails open (calls go ahead):
    losing the breaker must not take every model down with it.
    """
    policy = policy or BreakerPolicy.from_settings()
    try:
        state, open_until = _redis().hmget(_key(deployment), ["state", "open_until"])
        if state is None or _text(state) != "open":
            return True
        if time.time() < float(_text(open_until or b"0")):
            return False
        # Cooled down: half open. One probe at a time; a probe that never
        # reports frees the slot after the probe timeout.
        return bool(_redis().set(_probe_key(deployment), "1", nx=True, px=int(policy.probe_timeout_seconds * 1000)))
    except redis.RedisError:
        return True


def _next_state(values: dict[str, str], *, ok: bool, now: float, policy: BreakerPolicy) -> dict[str, Any]:
    """The fields to write after one outcome (pure, so the policy reads in one place)."""
    opened = {
        "state": "open",
        "open_until": now + policy.cooldown_seconds,
        "opened_at": now,
        "consecutive": 0,
        "calls": 0,
        "failures": 0,
        "window_start": now,
        "times_opened": int(values.get("times_opened", 0)) + 1,
    }
    closed = {"state": "closed", "consecutive": 0, "calls": 0, "failures": 0, "window_start": now}
    if values.get("state") == "open":
        # The probe's answer (or a call that started before the breaker opened).
        return closed if ok else opened
    window_start = float(values.get("window_start", 0))
    calls, failures = int(values.get("calls", 0)), int(values.get("failures", 0))
    if now - window_start >= policy.window_seconds:
        calls, failures, window_start = 0, 0, now
    calls += 1
    if ok:
        return {"state": "closed", "consecutive": 0, "calls": calls, "failures": failures, "window_start": window_start}
    failures += 1
    consecutive = int(values.get("consecutive", 0)) + 1
    if consecutive >= policy.consecutive_failures:
        return opened
    if calls >= policy.min_calls and failures / calls >= policy.failure_ratio:
        return opened
    return {
        "state": "closed",
        "consecutive": consecutive,
        "calls": calls,
        "failures": failures,
        "window_start": window_start,
    }


def breaker_record(deployment: str, *, ok: bool, policy: BreakerPolicy | None = None) -> str:
    """Record a call's outcome; returns the state after it."""
    policy = policy or BreakerPolicy.from_settings()
    key = _key(deployment)

    def update(pipe: Any) -> str:
        values = _read(pipe.hgetall(key))
        fields = _next_state(values, ok=ok, now=time.time(), policy=policy)
        pipe.multi()
        pipe.hset(key, mapping=fields)
        if fields["state"] == "open" or values.get("state") == "open":
            pipe.delete(_probe_key(deployment))  # the probe (if any) has answered
        return str(fields["state"])

    try:
        # redis-py types the callable as returning None; with value_from_callable it returns its value.
        return str(_redis().transaction(cast(Any, update), key, value_from_callable=True))
    except redis.RedisError:
        return "unknown"


def breaker_state(deployment: str) -> dict[str, Any]:
    try:
        values = _read(_redis().hgetall(_key(deployment)))
    except redis.RedisError:
        return {"state": "unknown", "openUntil": 0.0, "failures": 0, "calls": 0, "timesOpened": 0}
    state = values.get("state", "closed")
    open_until = float(values.get("open_until", 0))
    if state == "open" and time.time() >= open_until:
        state = "half_open"
    return {
        "state": state,
        "openUntil": open_until,
        "failures": int(values.get("failures", 0)),
        "calls": int(values.get("calls", 0)),
        "consecutiveFailures": int(values.get("consecutive", 0)),
        "timesOpened": int(values.get("times_opened", 0)),
    }


def breaker_is_open(deployment: str) -> bool:
    """Read-only: is the deployment refusing calls (open and still cooling down)?"""
    return breaker_state(deployment)["state"] == "open"


def breaker_reset(deployment: str) -> None:
    _redis().delete(_key(deployment), _probe_key(deployment))
