"""The model gateway's settings (llm/): the local server, the deployments
registry, routing, retries, circuit breakers, the output cache, budgets."""

import os

from beacon.settings.environment import BASE_DIR, env

# LiteLLM downloads its price map at import unless told to use the bundled one;
# this machine (and many production networks) cannot reach it.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# `local`: the OpenAI-compatible llama.cpp server at LLM_API_BASE.
# `scripted`: LiteLLM's mock responses, for tests and benchmarks (no model).
LLM_PROVIDER = env.str("LLM_PROVIDER", default="local")
LLM_HOST = env.str("LLM_HOST", default="127.0.0.1")
LLM_PORT = env.int("LLM_PORT", default=8765)
LLM_API_BASE = env.str("LLM_API_BASE", default=f"http://{LLM_HOST}:{LLM_PORT}/v1")
LLM_API_KEY = env.str("LLM_API_KEY", default="local-no-key")
# The deployments registry (llm/deployments.yaml explains each field).
LLM_DEPLOYMENTS_FILE = env.str("LLM_DEPLOYMENTS_FILE", default=str(BASE_DIR / "llm" / "deployments.yaml"))
# Routing: inputs at least this long go to the large tier; customer tiers
# that always run on one tier; whether a tier falls back to the other.
LLM_ESCALATE_INPUT_TOKENS = env.int("LLM_ESCALATE_INPUT_TOKENS", default=1500)
LLM_CUSTOMER_TIER_RULES = env.dict("LLM_CUSTOMER_TIER_RULES", default={"premium": "large"})
LLM_FALLBACK_ACROSS_TIERS = env.bool("LLM_FALLBACK_ACROSS_TIERS", default=True)
# Resilience: attempts per deployment before the next candidate, backoff with
# full jitter, and the least time before a deadline worth starting a call in.
LLM_ATTEMPTS_PER_DEPLOYMENT = env.int("LLM_ATTEMPTS_PER_DEPLOYMENT", default=2)
LLM_RETRY_BACKOFF_SECONDS = env.float("LLM_RETRY_BACKOFF_SECONDS", default=0.5)
LLM_RETRY_BACKOFF_MAX_SECONDS = env.float("LLM_RETRY_BACKOFF_MAX_SECONDS", default=8.0)
LLM_MIN_CALL_SECONDS = env.float("LLM_MIN_CALL_SECONDS", default=2.0)
# Circuit breakers, one per deployment, shared through Redis.
LLM_BREAKER_CONSECUTIVE_FAILURES = env.int("LLM_BREAKER_CONSECUTIVE_FAILURES", default=5)
LLM_BREAKER_FAILURE_RATIO = env.float("LLM_BREAKER_FAILURE_RATIO", default=0.5)
LLM_BREAKER_MIN_CALLS = env.int("LLM_BREAKER_MIN_CALLS", default=20)
LLM_BREAKER_WINDOW_SECONDS = env.float("LLM_BREAKER_WINDOW_SECONDS", default=60.0)
LLM_BREAKER_COOLDOWN_SECONDS = env.float("LLM_BREAKER_COOLDOWN_SECONDS", default=30.0)
LLM_BREAKER_PROBE_TIMEOUT_SECONDS = env.float("LLM_BREAKER_PROBE_TIMEOUT_SECONDS", default=60.0)
# Output cache (Redis): deterministic calls only unless a request forces it.
LLM_CACHE_ENABLED = env.bool("LLM_CACHE_ENABLED", default=True)
LLM_CACHE_TTL_SECONDS = env.int("LLM_CACHE_TTL_SECONDS", default=7 * 24 * 3600)
# Budgets: a global monthly ceiling in USD (0: none; organizations set their
# own in admin), the projection share that starts degrading large to small,
# how long a deferred low-priority job waits before it checks again.
LLM_GLOBAL_MONTHLY_BUDGET_USD = env.float("LLM_GLOBAL_MONTHLY_BUDGET_USD", default=0.0)
LLM_BUDGET_SOFT_RATIO = env.float("LLM_BUDGET_SOFT_RATIO", default=0.9)
LLM_BUDGET_MIN_ELAPSED_HOURS = env.float("LLM_BUDGET_MIN_ELAPSED_HOURS", default=24.0)
LLM_BUDGET_DEFER_SECONDS = env.int("LLM_BUDGET_DEFER_SECONDS", default=900)
LLM_BUDGET_CACHE_SECONDS = env.float("LLM_BUDGET_CACHE_SECONDS", default=30.0)
BEACON_JOB_DEADLINE_SECONDS = env.int("BEACON_JOB_DEADLINE_SECONDS", default=3600)
LLM_SCRIPTED_LATENCY_MS = env.int("LLM_SCRIPTED_LATENCY_MS", default=0)
LLM_THREADS = env.int("LLM_THREADS", default=2)
# Provider batch APIs (llm/provider_batches.py): a job whose deadline is at
# least MIN_SLACK away may wait for a deployment's batch API (half price at
# OpenAI and Anthropic). Requests are collected until SIZE of them wait or
# the oldest waited MAX_WAIT; submitted batches are polled every POLL
# seconds; a job still unanswered FALLBACK seconds before its deadline
# stops waiting and runs online, so a late or expired batch never costs it
# its deadline.
LLM_PROVIDER_BATCH_MIN_SLACK_SECONDS = env.int("LLM_PROVIDER_BATCH_MIN_SLACK_SECONDS", default=2 * 3600)
LLM_PROVIDER_BATCH_FALLBACK_SECONDS = env.int("LLM_PROVIDER_BATCH_FALLBACK_SECONDS", default=1800)
LLM_PROVIDER_BATCH_SIZE = env.int("LLM_PROVIDER_BATCH_SIZE", default=1000)
LLM_PROVIDER_BATCH_MAX_REQUESTS = env.int("LLM_PROVIDER_BATCH_MAX_REQUESTS", default=50_000)  # OpenAI's cap
LLM_PROVIDER_BATCH_MAX_WAIT_SECONDS = env.int("LLM_PROVIDER_BATCH_MAX_WAIT_SECONDS", default=600)
LLM_PROVIDER_BATCH_POLL_SECONDS = env.int("LLM_PROVIDER_BATCH_POLL_SECONDS", default=60)
LLM_PROVIDER_BATCH_SUBMIT_ATTEMPTS = env.int("LLM_PROVIDER_BATCH_SUBMIT_ATTEMPTS", default=3)
LLM_PROVIDER_BATCH_SUBMIT_TIMEOUT_SECONDS = env.int("LLM_PROVIDER_BATCH_SUBMIT_TIMEOUT_SECONDS", default=600)
# Providers cache a prompt prefix from this many tokens (Anthropic's and
# OpenAI's minimum); a system prompt this long carries cache hints.
LLM_PROMPT_CACHE_MIN_TOKENS = env.int("LLM_PROMPT_CACHE_MIN_TOKENS", default=1024)
