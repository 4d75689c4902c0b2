"""A circuit breaker per deployment, shared by every worker through Redis.

closed     calls flow. A failure counts toward two triggers: N consecutive
           failures, or a failure ratio over a window with enough calls.
           Either one opens the breaker.
open       calls are refused (routing skips the deployment) until the cooldown
           ends.
half_open  after the cooldown one caller at a time is let through as a probe;
           its success closes the breaker, its failure opens it again.

Each transition is one Lua script, so two workers recording outcomes at the
same moment cannot lose an update or both take the probe.
"""

import time
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings

from beacon.redis_client import redis_client as _redis

KEY_PREFIX = "beacon:breaker:"

# KEYS[1] breaker hash. ARGV: now. Returns 1 when a call may go ahead.
_ALLOW = """
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'closed' then return 1 end
local now = tonumber(ARGV[1])
if state == 'open' then
  if now < tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0') then return 0 end
  redis.call('HSET', KEYS[1], 'state', 'half_open')
  state = 'half_open'
end
-- half_open: one probe at a time; a probe that never reports frees the slot after probe_timeout
local probe_until = tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0')
if now < probe_until then return 0 end
redis.call('HSET', KEYS[1], 'probe_until', now + tonumber(ARGV[2]))
return 1
"""

# KEYS[1] breaker hash. ARGV: now, ok (1/0), consecutive_max, ratio, min_calls, window, cooldown.
# Returns the state after recording.
_RECORD = """
local now = tonumber(ARGV[1])
local ok = ARGV[2] == '1'
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local function open()
  redis.call('HSET', KEYS[1], 'state', 'open', 'open_until', now + tonumber(ARGV[7]), 'opened_at', now,
             'probe_until', 0, 'consecutive', 0, 'calls', 0, 'failures', 0, 'window_start', now)
  redis.call('HINCRBY', KEYS[1], 'times_opened', 1)
  return 'open'
end
if state == 'half_open' or state == 'open' then
  if ok then
    redis.call('HSET', KEYS[1], 'state', 'closed', 'consecutive', 0, 'calls', 0, 'failures', 0,
               'window_start', now, 'probe_until', 0)
    return 'closed'
  end
  return open()
end
local window_start = tonumber(redis.call('HGET', KEYS[1], 'window_start') or '0')
if now - window_start >= tonumber(ARGV[6]) then
  redis.call('HSET', KEYS[1], 'calls', 0, 'failures', 0, 'window_start', now)
end
local calls = redis.call('HINCRBY', KEYS[1], 'calls', 1)
if ok then
  redis.call('HSET', KEYS[1], 'consecutive', 0)
  return 'closed'
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local consecutive = redis.call('HINCRBY', KEYS[1], 'consecutive', 1)
if consecutive >= tonumber(ARGV[3]) then return open() end
if calls >= tonumber(ARGV[5]) and failures / calls >= tonumber(ARGV[4]) then return open() end
return 'closed'
"""


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


def breaker_allows(deployment: str, policy: BreakerPolicy | None = None) -> bool:
    """May a call to `deployment` go ahead now? Takes the probe slot when half open.

    If Redis itself is unreachable the breaker fails open (calls go ahead):
    losing the breaker must not take every model down with it.
    """
    policy = policy or BreakerPolicy.from_settings()
    try:
        allow = _redis().register_script(_ALLOW)  # EVALSHA: the script is sent once per server
        return bool(allow(keys=[_key(deployment)], args=[time.time(), policy.probe_timeout_seconds]))
    except redis.RedisError:
        return True


def breaker_is_open(deployment: str) -> bool:
    """Read-only: is the deployment refusing calls (open and still cooling down)?"""
    state = breaker_state(deployment)
    return state["state"] == "open" and state["openUntil"] > time.time()


def breaker_record(deployment: str, *, ok: bool, policy: BreakerPolicy | None = None) -> str:
    policy = policy or BreakerPolicy.from_settings()
    try:
        record = _redis().register_script(_RECORD)
        result = record(
            keys=[_key(deployment)],
            args=[time.time(), "1" if ok else "0", policy.consecutive_failures, policy.failure_ratio,
                  policy.min_calls, policy.window_seconds, policy.cooldown_seconds],
        )  # fmt: skip
    except redis.RedisError:
        return "unknown"
    return _text(result) if isinstance(result, bytes | str) else str(result)


def breaker_state(deployment: str) -> dict[str, Any]:
    try:
        raw = _redis().hgetall(_key(deployment))
    except redis.RedisError:
        return {"state": "unknown", "openUntil": 0.0, "failures": 0, "calls": 0, "timesOpened": 0}
    values = {_text(k): _text(v) for k, v in raw.items()}
    return {
        "state": values.get("state", "closed"),
        "openUntil": float(values.get("open_until", 0)),
        "failures": int(values.get("failures", 0)),
        "calls": int(values.get("calls", 0)),
        "consecutiveFailures": int(values.get("consecutive", 0)),
        "timesOpened": int(values.get("times_opened", 0)),
    }


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def breaker_reset(deployment: str) -> None:
    _redis().delete(_key(deployment))
