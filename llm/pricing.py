"""What a call cost, in USD, as a Decimal.

Hosted models: tokens times the deployment's per-token prices, or LiteLLM's
price map for the model when the registry gives none (LiteLLM ships the map;
LITELLM_LOCAL_MODEL_COST_MAP keeps it from fetching a newer one).
Self-hosted models: the GPU time the call held, at the deployment's GPU-hour
price, divided by how many calls the server runs at once.
"""

from decimal import ROUND_HALF_UP, Decimal

from llm.registry import Deployment

QUANTUM = Decimal("0.00000001")


def token_prices(deployment: Deployment) -> tuple[Decimal, Decimal] | None:
    """(input, output) USD per token, or None when nobody knows the price."""
    if deployment.input_cost_per_token is not None and deployment.output_cost_per_token is not None:
        return deployment.input_cost_per_token, deployment.output_cost_per_token
    import litellm

    info = litellm.model_cost.get(deployment.model) or litellm.model_cost.get(deployment.model.split("/", 1)[-1])
    if not info:
        return None
    return (
        Decimal(str(info.get("input_cost_per_token") or 0)),
        Decimal(str(info.get("output_cost_per_token") or 0)),
    )


def call_cost(deployment: Deployment, *, prompt_tokens: int, completion_tokens: int, latency_ms: int) -> Decimal:
    if deployment.gpu_hour_usd is not None:
        seconds = Decimal(latency_ms) / 1000
        cost = deployment.gpu_hour_usd * seconds / 3600 / deployment.gpu_concurrency
    else:
        prices = token_prices(deployment)
        if prices is None:
            return Decimal(0)
        cost = prices[0] * prompt_tokens + prices[1] * completion_tokens
    return cost.quantize(QUANTUM, rounding=ROUND_HALF_UP)
