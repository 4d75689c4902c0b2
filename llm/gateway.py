"""The one way Beacon calls a model.

`complete(request, decision)` walks the routing decision's candidates in order
and, for each, checks the output cache, counts the prompt's tokens with the
deployment's tokenizer (a prompt that cannot fit is never sent), asks the
deployment's circuit breaker, and calls it through LiteLLM. Transient errors
are retried on the same deployment with backoff and jitter, then the next
candidate takes over; permanent errors stop at once, except those that say
the deployment itself is broken (auth, unknown model), which move on. No call
starts when the request's deadline leaves too little time for it.

Every attempt, cache hits and failures included, comes back as an `Attempt`
(on the Completion, or on the ModelError), for the caller to write to the
ledger in the same transaction as the job's own update.
"""

import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from llm.adapters import DEPLOYMENT_FAULTS, error_from, messages_for, response_format_for
from llm.breaker import breaker_allows, breaker_is_open, breaker_record
from llm.cache import CachedOutput, cache_applies, cache_get, cache_key, cache_put
from llm.errors import ModelError, PermanentModelError, TransientModelError
from llm.obedient import obedient_answer
from llm.pricing import call_cost
from llm.prompt_cache import cache_hints
from llm.registry import Deployment, registry
from llm.routing import NoDeploymentError, RouteDecision, RouteRequest, route
from llm.tokens import count_tokens

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelRequest:
    messages: list[dict[str, str]]
    schema: dict[str, Any] | None
    max_tokens: int
    temperature: float
    # Whose output cache the call may use: the organization's id (callers
    # with no organization name their own, e.g. "evals.judge").
    cache_scope: str
    deadline: float | None = None  # epoch seconds; no call starts too close to it
    cache: str = "auto"  # auto | bypass | force
    # Called with each piece of text as the model streams it (deployments
    # with `stream: true`); None: no streaming, one answer at the end.
    on_token: Callable[[str], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Attempt:
    """One row of the ledger: a call, a cache hit or a refusal."""

    deployment: str
    model: str
    tier: str
    outcome: str  # ok | cached | error (error_code says which) | breaker_open | too_long
    error_code: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    latency_ms: int = 0
    batched: bool = False  # answered through the provider's batch API
    region: str = ""  # where the deployment runs

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cost_usd": str(self.cost_usd)}


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    deployment: str
    finish_reason: str | None
    cost_usd: Decimal
    cached: bool = False
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)
    # Where the output sits in the cache (None: not cached), so a caller whose
    # validation rejects it can drop it: only outputs that pass stay cached.
    cache_key: str | None = None

    @property
    def total_cost_usd(self) -> Decimal:
        return sum((a.cost_usd for a in self.attempts), Decimal(0))


def default_decision(*, max_tokens: int, routing_key: str = "") -> RouteDecision:
    """A plain small-tier route, for callers with no job (evaluation, tools)."""
    request = RouteRequest(
        task_kind="direct", default_tier="small", input_tokens=0, max_tokens=max_tokens, routing_key=routing_key
    )
    return route(request, registry=registry(), is_open=breaker_is_open)


def _backoff(attempt: int) -> float:
    """Full jitter over an exponential ceiling (AWS's advice for retry storms)."""
    ceiling = min(settings.LLM_RETRY_BACKOFF_MAX_SECONDS, settings.LLM_RETRY_BACKOFF_SECONDS * 2**attempt)
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography


def _litellm_call(deployment: Deployment, request: ModelRequest, timeout: float) -> Any:
    import litellm

    litellm.suppress_debug_info = True  # no "Give Feedback" banners in worker logs
    kwargs: dict[str, Any] = {
        "model": deployment.model,
        "messages": cache_hints(deployment, messages_for(request.messages, system_prompt=deployment.system_prompt)),
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "timeout": timeout,
        "num_retries": 0,  # retries are the gateway's, bounded by the deadline
        **deployment.extra,
    }
    if deployment.stand_in == "obedient":
        kwargs["mock_response"] = obedient_answer(kwargs["messages"], request.schema)
    elif settings.LLM_PROVIDER == "scripted":
        from llm.scripted import scripted_response_next

        kwargs["mock_response"] = scripted_response_next(request.schema)
        # Simulated model time, so slow calls, kills and leases can be tested.
        kwargs["mock_delay"] = settings.LLM_SCRIPTED_LATENCY_MS / 1000
    else:
        kwargs["api_base"] = deployment.resolved_api_base
        kwargs["api_key"] = deployment.api_key
        response_format = response_format_for(deployment.json_mode, request.schema)
        if response_format is not None:
            kwargs["response_format"] = response_format
        if request.on_token is not None and deployment.stream:
            return _streamed(litellm, kwargs, request.on_token)
    return litellm.completion(**kwargs)


def _streamed(litellm: Any, kwargs: dict[str, Any], on_token: Callable[[str], None]) -> Any:
    """Call with `stream=True`, hand each piece to `on_token`, and return the
    whole answer as one response (LiteLLM rebuilds it from the chunks, usage
    included: the provider's when it sends it, else counted)."""
    chunks = []
    for chunk in litellm.completion(**kwargs, stream=True, stream_options={"include_usage": True}):
        chunks.append(chunk)
        choices = getattr(chunk, "choices", None) or []
        piece = getattr(getattr(choices[0], "delta", None), "content", None) if choices else None
        if piece:
            on_token(piece)
    return litellm.stream_chunk_builder(chunks, messages=kwargs["messages"])


def _read(response: Any) -> tuple[str, str | None, int, int, int]:
    choice = response.choices[0]
    usage = getattr(response, "usage", None)
    details = getattr(usage, "prompt_tokens_details", None)
    return (
        choice.message.content or "",
        getattr(choice, "finish_reason", None),
        int(getattr(usage, "prompt_tokens", 0) or 0),
        int(getattr(usage, "completion_tokens", 0) or 0),
        int(getattr(details, "cached_tokens", 0) or 0),
    )


def complete(request: ModelRequest, decision: RouteDecision | None = None) -> Completion:
    decision = decision or default_decision(max_tokens=request.max_tokens)
    attempts: list[Attempt] = []
    last_error: ModelError | None = None
    use_cache = cache_applies(temperature=request.temperature, mode=request.cache)
    parameters = {"maxTokens": request.max_tokens, "temperature": request.temperature, "schema": request.schema}

    for name in decision.candidates:
        try:
            deployment = registry().get(name)
        except KeyError:
            continue  # the registry changed since routing; skip the stale name

        def note(outcome: str, deployment: Deployment = deployment, **values: Any) -> Attempt:
            attempt = Attempt(
                deployment=deployment.name,
                model=deployment.model,
                tier=deployment.tier,
                outcome=outcome,
                region=deployment.region,
                **values,
            )
            attempts.append(attempt)
            return attempt

        key = cache_key(
            deployment=deployment, messages=request.messages, parameters=parameters, scope=request.cache_scope
        )
        if use_cache and (hit := cache_get(key)) is not None:
            note(
                "cached",
                prompt_tokens=hit.prompt_tokens,
                completion_tokens=hit.completion_tokens,
                cached_tokens=hit.prompt_tokens,
            )
            return Completion(
                text=hit.text,
                prompt_tokens=hit.prompt_tokens,
                completion_tokens=hit.completion_tokens,
                latency_ms=0,
                deployment=deployment.name,
                finish_reason=hit.finish_reason,
                cost_usd=Decimal(0),
                cached=True,
                attempts=tuple(attempts),
                cache_key=key,
            )

        prompt_tokens = count_tokens(deployment, request.messages)
        if prompt_tokens + request.max_tokens > deployment.context_window:
            note("too_long", error_code="context_length_exceeded", prompt_tokens=prompt_tokens)
            last_error = PermanentModelError(
                f"prompt of {prompt_tokens} tokens plus {request.max_tokens} to generate exceeds "
                f"{deployment.name}'s window of {deployment.context_window}",
                deployment=deployment.name,
                code="context_length_exceeded",
            )
            continue

        for retry in range(settings.LLM_ATTEMPTS_PER_DEPLOYMENT):
            timeout = deployment.timeout_seconds
            if request.deadline is not None:
                remaining = request.deadline - time.time()
                if remaining < settings.LLM_MIN_CALL_SECONDS:
                    raise PermanentModelError(
                        f"{remaining:.1f}s left before the job's deadline; no call started",
                        code="deadline_exceeded",
                        attempts=tuple(attempts),
                    )
                timeout = min(timeout, remaining)
            if not breaker_allows(deployment.name):
                note("breaker_open", error_code="breaker_open")
                last_error = last_error or TransientModelError(
                    f"circuit breaker of {deployment.name} is open", deployment=deployment.name, code="breaker_open"
                )
                break
            started = time.monotonic()
            try:
                response = _litellm_call(deployment, request, timeout)
                text, finish_reason, used_prompt, used_completion, cached_tokens = _read(response)
            except Exception as exc:  # LiteLLM raises many types; classify them all
                latency_ms = int((time.monotonic() - started) * 1000)
                if _cut_by_time_limit(exc):
                    # The task's soft time limit fired inside the call: no
                    # retry, no fallback (the task is out of time), and the
                    # ledger gets the attempt; the provider has the prompt
                    # and bills it, a self-hosted GPU was busy meanwhile.
                    billed = call_cost(
                        deployment, prompt_tokens=prompt_tokens, completion_tokens=0, latency_ms=latency_ms
                    )
                    note("error", error_code="soft_time_limit", latency_ms=latency_ms, prompt_tokens=prompt_tokens,
                         cost_usd=billed)  # fmt: skip
                    cut = TransientModelError(
                        f"the task's time limit cut the call to {deployment.name}",
                        deployment=deployment.name,
                        code="soft_time_limit",
                    )
                    cut.attempts = tuple(attempts)
                    raise cut from exc
                error = error_from(exc, deployment.name)
                # A bad request is the caller's fault: the deployment answered,
                # which is evidence of health, and frees a half-open probe.
                breaker_record(deployment.name, ok=error.permanent and error.code not in DEPLOYMENT_FAULTS)
                # A failed call bills no tokens, but a self-hosted GPU was still busy.
                held = call_cost(deployment, prompt_tokens=0, completion_tokens=0, latency_ms=latency_ms)
                note("error", error_code=error.code, latency_ms=latency_ms, prompt_tokens=prompt_tokens, cost_usd=held)
                logger.warning("model call to %s failed: %s (%s)", deployment.name, error.code, type(exc).__name__)
                last_error = error
                if error.permanent and error.code not in DEPLOYMENT_FAULTS:
                    error.attempts = tuple(attempts)
                    raise error from exc
                if error.permanent:
                    break  # this deployment is misconfigured; the next may work
                if retry + 1 < settings.LLM_ATTEMPTS_PER_DEPLOYMENT:
                    pause = _backoff(retry)
                    if request.deadline is not None:
                        pause = min(pause, max(0.0, request.deadline - time.time() - settings.LLM_MIN_CALL_SECONDS))
                    time.sleep(pause)
                continue
            latency_ms = int((time.monotonic() - started) * 1000)
            breaker_record(deployment.name, ok=True)
            cost = call_cost(
                deployment,
                prompt_tokens=used_prompt,
                completion_tokens=used_completion,
                latency_ms=latency_ms,
                cached_tokens=cached_tokens,
            )
            note(
                "ok",
                prompt_tokens=used_prompt,
                completion_tokens=used_completion,
                cached_tokens=cached_tokens,
                cost_usd=cost,
                latency_ms=latency_ms,
            )
            if use_cache and finish_reason != "length":
                cache_put(key, CachedOutput(text, finish_reason, used_prompt, used_completion))
            return Completion(
                text=text,
                prompt_tokens=used_prompt,
                completion_tokens=used_completion,
                latency_ms=latency_ms,
                deployment=deployment.name,
                finish_reason=finish_reason,
                cost_usd=cost,
                attempts=tuple(attempts),
                cache_key=key if use_cache else None,
            )

    if last_error is None:
        last_error = TransientModelError("no deployment could take the call", code="no_deployment_available")
    last_error.attempts = tuple(attempts)
    raise last_error


def _cut_by_time_limit(exc: BaseException) -> bool:
    """Whether Celery's soft time limit raised inside the call; LiteLLM and
    httpx may wrap it in their own exceptions, so look down the chain."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, SoftTimeLimitExceeded):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def decision_for(request: RouteRequest) -> RouteDecision:
    """Route with the live registry and breakers; NoDeploymentError becomes a ModelError."""
    try:
        return route(request, registry=registry(), is_open=breaker_is_open)
    except NoDeploymentError as exc:
        error_class = (
            PermanentModelError
            if exc.code in ("context_length_exceeded", "unknown_model", "region_not_allowed")
            else TransientModelError
        )
        raise error_class(str(exc), code=exc.code) from exc
