"""The one way Beacon calls a model: LiteLLM behind a small, typed function.

Callers pass plain arguments (messages, schema, limits) and get a Completion or
a ModelError that says whether a retry can help. This module grows into the
full gateway (registry, routing, breakers, cost ledger); its signature is the
contract the pipeline relies on.
"""

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from llm.errors import ModelError, PermanentModelError, TransientModelError
from llm.json_modes import response_format_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    deployment: str
    finish_reason: str | None
    cost_usd: float


def _classify(exc: Exception, deployment: str) -> ModelError:
    """Permanent only when retrying cannot help; anything unknown is transient
    (bounded by the stage's retry limit), so a network hiccup in a new shape
    does not fail a job outright."""
    import litellm

    status = getattr(exc, "status_code", None)
    permanent_types: tuple[type[Exception], ...] = (
        litellm.exceptions.AuthenticationError,
        litellm.exceptions.PermissionDeniedError,
        litellm.exceptions.NotFoundError,
        litellm.exceptions.ContextWindowExceededError,
        litellm.exceptions.ContentPolicyViolationError,
        litellm.exceptions.UnprocessableEntityError,
        litellm.exceptions.BadRequestError,
    )
    message = f"{type(exc).__name__} from {deployment}"
    if status == 429 or (isinstance(status, int) and status >= 500):
        return TransientModelError(message, deployment=deployment, status_code=status)
    if isinstance(exc, permanent_types):
        return PermanentModelError(message, deployment=deployment, status_code=status)
    return TransientModelError(message, deployment=deployment, status_code=status)


def complete(
    *,
    messages: list[dict[str, str]],
    schema: dict[str, Any] | None,
    max_tokens: int,
    temperature: float,
    timeout: float | None = None,
) -> Completion:
    """One chat completion, constrained to `schema` where the deployment can."""
    import litellm

    deployment = settings.LLM_MODEL
    kwargs: dict[str, Any] = {
        "model": deployment,
        "messages": messages,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "timeout": timeout or settings.LLM_TIMEOUT_SECONDS,
        "num_retries": 0,  # retries belong to the stage task, with backoff and a deadline
    }
    if settings.LLM_PROVIDER == "scripted":
        from llm.scripted import scripted_response_next

        kwargs["mock_response"] = scripted_response_next(schema)
        # Simulated model time, so slow calls, kills and leases can be tested.
        kwargs["mock_delay"] = settings.LLM_SCRIPTED_LATENCY_MS / 1000
    else:
        kwargs["api_base"] = settings.LLM_API_BASE
        kwargs["api_key"] = settings.LLM_API_KEY
        response_format = response_format_for(settings.LLM_JSON_MODE, schema)
        if response_format is not None:
            kwargs["response_format"] = response_format

    started = time.monotonic()
    try:
        response = litellm.completion(**kwargs)
    except Exception as exc:  # LiteLLM raises many types; classify them all here
        error = _classify(exc, deployment)
        logger.warning("model call failed: %s (permanent=%s)", error, error.permanent)
        raise error from exc
    latency_ms = int((time.monotonic() - started) * 1000)

    choice = response.choices[0]
    usage = getattr(response, "usage", None)
    text = choice.message.content or ""
    return Completion(
        text=text,
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        latency_ms=latency_ms,
        deployment=deployment,
        finish_reason=getattr(choice, "finish_reason", None),
        # Self-hosted deployments are priced per GPU-hour by the gateway's
        # cost ledger; a call to the local development model costs nothing.
        cost_usd=0.0,
    )
