"""A scripted model for tests and benchmarks: real LiteLLM calls, no model.

Responses come, in order, from a Redis list that a test fills
(`scripted_responses_push`), so a real worker process in another process sees
the script too. When the list is empty the answer is the smallest instance
that satisfies the requested JSON schema. LiteLLM's `mock_response` returns
it through LiteLLM's own response path, so usage and parsing code run as for
a real deployment.
"""

import json
from typing import Any

import redis
from django.conf import settings

SCRIPT_KEY = "beacon:scripted:responses"


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def scripted_responses_push(*responses: str) -> None:
    if responses:
        _redis().rpush(SCRIPT_KEY, *responses)


def scripted_responses_clear() -> None:
    _redis().delete(SCRIPT_KEY)


def scripted_response_next(schema: dict[str, Any] | None) -> str:
    scripted = _redis().lpop(SCRIPT_KEY)
    if scripted is not None:
        return scripted.decode() if isinstance(scripted, bytes) else str(scripted)
    return json.dumps(schema_example(schema or {"type": "object"}))


def schema_example(schema: dict[str, Any]) -> Any:
    """The smallest value that validates against a (simple) JSON schema."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else kind[0]
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: schema_example(properties.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        items = schema.get("items", {})
        count = max(schema.get("minItems", 0), 1 if "minItems" in schema else 0)
        if "enum" in items and schema.get("uniqueItems"):
            return list(items["enum"][:count])
        return [schema_example(items) for _ in range(count)]
    if kind == "string":
        return "x" * max(schema.get("minLength", 1), 1)
    if kind in ("number", "integer"):
        low = schema.get("minimum", 0)
        high = schema.get("maximum", low)
        return (low + high) / 2 if kind == "number" else int(low)
    if kind == "boolean":
        return False
    return None
