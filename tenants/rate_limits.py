"""API rate limits: per organization (by its tier) and per API key (a cap of
its own), over a sliding 60-second window in Redis.

Each request is one member of a sorted set per organization and per key,
scored by its time in milliseconds; members older than the window are
dropped before counting. One Lua script checks both sets and records the
request in both only when both allow it, so a request refused by the key's
cap does not use up the organization's allowance, and concurrent web
workers cannot overshoot between a read and a write.

Every answer to an authenticated request carries X-RateLimit-Limit,
X-RateLimit-Remaining and X-RateLimit-Reset (the Unix time a slot frees) for
the tighter of the two limits (beacon/middleware.py); a refusal is 429
`rate_limited` with Retry-After. If Redis cannot be reached the request is
let through and logged: a rate limiter must not take the API down with it.
"""

import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from common.redis_client import redis_client
from tenants.models import ApiKey, Organization, RateTier

logger = logging.getLogger(__name__)
WINDOW_MS = 60_000
TIER_LIMITS = {RateTier.FREE: 30, RateTier.STANDARD: 100, RateTier.PREMIUM: 1000}

# KEYS: the organization's set, the key's set. ARGV: now (ms), window (ms),
# the two limits, a unique member. Returns {allowed, limit, remaining, reset_ms}
# for the tighter limit.
SLIDING_WINDOW = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local limits = {tonumber(ARGV[3]), tonumber(ARGV[4])}
local counts, allowed = {}, 1
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  counts[i] = redis.call('ZCARD', KEYS[i])
  if counts[i] >= limits[i] then allowed = 0 end
end
if allowed == 1 then
  for i = 1, 2 do
    redis.call('ZADD', KEYS[i], now, ARGV[5])
    redis.call('PEXPIRE', KEYS[i], window)
    counts[i] = counts[i] + 1
  end
end
local tight = 1
if limits[2] - counts[2] < limits[1] - counts[1] then tight = 2 end
local reset = window
local oldest = redis.call('ZRANGE', KEYS[tight], 0, 0, 'WITHSCORES')
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed, limits[tight], math.max(0, limits[tight] - counts[tight]), reset}
"""


@dataclass(frozen=True)
class RateState:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


def organization_limit(organization: Organization) -> int:
    if organization.rate_tier == RateTier.CUSTOM and organization.rate_limit_per_minute:
        return organization.rate_limit_per_minute
    return TIER_LIMITS.get(RateTier(organization.rate_tier), TIER_LIMITS[RateTier.STANDARD])


def rate_check(api_key: ApiKey) -> RateState | None:
    """Count one request against the key's and its organization's limits;
    None when Redis could not be asked."""
    org_limit = organization_limit(api_key.organization)
    key_limit = min(api_key.rate_limit_per_minute or org_limit, org_limit)
    keys = [f"beacon:rate:org:{api_key.organization_id}", f"beacon:rate:key:{api_key.id}"]
    now = int(time.time() * 1000)
    try:
        allowed, limit, remaining, reset_ms = redis_client().eval(
            SLIDING_WINDOW, 2, *keys, now, WINDOW_MS, org_limit, key_limit, f"{now}:{secrets.token_hex(4)}"
        )
    except redis.RedisError as exc:
        logger.warning("rate limit not checked, Redis unavailable: %s", type(exc).__name__)
        return None
    return RateState(bool(allowed), int(limit), int(remaining), max(1, -(-int(reset_ms) // 1000)))


class ApiKeyRateThrottle(BaseThrottle):
    """The API-wide limit, as a DRF throttle (the default for every view)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        if not settings.BEACON_RATE_LIMITS or not isinstance(api_key, ApiKey):
            return True
        state = rate_check(api_key)
        if state is None:
            return True
        # For the response headers (beacon/middleware.py).
        setattr(request._request, "beacon_rate", state)  # noqa: B010 - an attribute Django does not declare
        self._wait = state.reset_seconds
        return state.allowed

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)
