"""What a call cost, in USD, as a Decimal.

Hosted models: tokens times the deployment's per-token prices, or LiteLLM's
price map for the model when the registry gives none (LiteLLM ships the map;
LITELLM_LOCAL_MODEL_COST_MAP keeps it from fetching a newer one).
Self-hosted models: the GPU time the call held, at the deployment's GPU-hour
price, divided by how many calls the server runs at once.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from llm.registry import Deployment

QUANTUM = Decimal("0.00000001")


def token_prices(deployment: Deployment) -> tuple[Decimal, Decimal] | None:
    """(input, output) USD per token, or None when nobody knows the price."""
    if deployment.input_cost_per_token is not None and deployment.output_cost_per_token is not None:
        return deployment.input_cost_per_token, deployment.output_cost_per_token
    info = _price_map_entry(deployment)
    if not info:
        return None
    return (
        Decimal(str(info.get("input_cost_per_token") or 0)),
        Decimal(str(info.get("output_cost_per_token") or 0)),
    )


def _price_map_entry(deployment: Deployment) -> dict[str, Any]:
    import litellm

    model = deployment.model
    return litellm.model_cost.get(model) or litellm.model_cost.get(model.split("/", 1)[-1]) or {}


def cached_input_price(deployment: Deployment, input_price: Decimal) -> Decimal:
    """USD per prompt token the provider served from its prompt cache: the
    registry's `cached_input_cost_per_token`, else LiteLLM's price map
    (`cache_read_input_token_cost`: a tenth of the input price at Anthropic,
    half at OpenAI), else the full input price (no discount is assumed)."""
    if deployment.cached_input_cost_per_token is not None:
        return deployment.cached_input_cost_per_token
    if deployment.input_cost_per_token is not None:
        return input_price  # prices set by hand: no map entry speaks for them
    known = _price_map_entry(deployment).get("cache_read_input_token_cost")
    return Decimal(str(known)) if known is not None else input_price


def call_cost(
    deployment: Deployment,
    *,
    prompt_tokens: int,
    completion_tokens: int,
    latency_ms: int,
    cached_tokens: int = 0,
    batched: bool = False,
) -> Decimal:
    """A call's price. `cached_tokens` of the prompt are priced at the cache
    rate; a call answered through the provider's batch API at the batch rate
    (the deployment's `batch_price_factor` of the online price)."""
    if deployment.gpu_hour_usd is not None:
        seconds = Decimal(latency_ms) / 1000
        cost = deployment.gpu_hour_usd * seconds / 3600 / deployment.gpu_concurrency
    else:
        prices = token_prices(deployment)
        if prices is None:
            return Decimal(0)
        input_price, output_price = prices
        cached = min(max(cached_tokens, 0), prompt_tokens)
        cost = (
            input_price * (prompt_tokens - cached)
            + cached_input_price(deployment, input_price) * cached
            + output_price * completion_tokens
        )
    if batched:
        cost *= deployment.batch_price_factor
    return cost.quantize(QUANTUM, rounding=ROUND_HALF_UP)
