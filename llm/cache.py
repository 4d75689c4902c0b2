"""A content-addressed cache of model outputs, in Redis with a TTL.

The key is a hash of everything that decides the output: the rendered
messages, the generation parameters, the deployment and its model version,
and the scope (the organization): one organization's hit must never tell it
that another submitted the same content. A
sampled call (temperature > 0) is not cached unless the request asks, since
its callers expect a fresh draw. A hit costs nothing and is recorded as such.
"""

import contextlib
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings

from common.redis_client import redis_client as _redis
from llm.registry import Deployment

KEY_PREFIX = "beacon:llmcache:"


@dataclass(frozen=True)
class CachedOutput:
    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int


def cache_key(*, deployment: Deployment, messages: list[dict[str, str]], parameters: dict[str, Any], scope: str) -> str:
    material = json.dumps(
        {
            "scope": scope,
            "deployment": deployment.name,
            "model": deployment.model,
            "modelVersion": deployment.model_version,
            "messages": messages,
            "parameters": parameters,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return KEY_PREFIX + hashlib.sha256(material.encode()).hexdigest()


def cache_applies(*, temperature: float, mode: str) -> bool:
    """`mode` is the request's options.cache: "auto" (default), "bypass" or "force"."""
    if not settings.LLM_CACHE_ENABLED or mode == "bypass":
        return False
    return mode == "force" or temperature == 0


def cache_get(key: str) -> CachedOutput | None:
    try:
        raw = _redis().get(key)
    except redis.RedisError:
        return None  # a cache that is down is a miss, never an error
    if raw is None:
        return None
    return CachedOutput(**json.loads(raw))


def cache_put(key: str, output: CachedOutput) -> None:
    with contextlib.suppress(redis.RedisError):
        _redis().set(key, json.dumps(output.__dict__), ex=settings.LLM_CACHE_TTL_SECONDS)


def cache_forget(key: str) -> None:
    with contextlib.suppress(redis.RedisError):
        _redis().delete(key)


def cache_clear() -> int:
    """Drop every cached output (after a prompt fix, say); returns how many."""
    client = _redis()
    keys = list(client.scan_iter(match=KEY_PREFIX + "*", count=1000))
    return int(client.delete(*keys)) if keys else 0
