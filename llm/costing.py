"""Monthly cost projection: token counts per task kind times a price table.

Pure arithmetic, so the numbers in docs/cost-and-latency.md can be checked by
hand and by tests. `cost_report` (the management command) feeds it measured
token counts and LiteLLM's price map.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class KindProfile:
    """Average tokens of one job of a task kind (all its generations)."""

    name: str
    share: Decimal  # of the monthly volume
    prompt_tokens: Decimal
    completion_tokens: Decimal
    default_tier: str


@dataclass(frozen=True)
class Price:
    """USD per token."""

    label: str
    input: Decimal
    output: Decimal

    def job_cost(self, kind: KindProfile) -> Decimal:
        return kind.prompt_tokens * self.input + kind.completion_tokens * self.output


@dataclass(frozen=True)
class Projection:
    per_job_small: dict[str, Decimal]
    per_job_large: dict[str, Decimal]
    monthly_all_small: Decimal
    monthly_all_large: Decimal
    monthly_default_routing: Decimal
    default_large_share: Decimal
    max_large_share: Decimal  # of jobs, that fits the budget (0..1)
    budget: Decimal
    jobs: int


def project(*, kinds: list[KindProfile], small: Price, large: Price, jobs: int, budget: Decimal) -> Projection:
    total_share = sum((k.share for k in kinds), Decimal(0))
    if total_share <= 0:
        raise ValueError("the task kind shares must add up to more than 0")
    weights = {k.name: k.share / total_share for k in kinds}
    small_cost = {k.name: small.job_cost(k) for k in kinds}
    large_cost = {k.name: large.job_cost(k) for k in kinds}
    mean_small = sum((weights[k] * small_cost[k] for k in weights), Decimal(0))
    mean_large = sum((weights[k] * large_cost[k] for k in weights), Decimal(0))
    default = sum(
        (weights[k.name] * (large_cost[k.name] if k.default_tier == "large" else small_cost[k.name]) for k in kinds),
        Decimal(0),
    )
    default_large_share = sum((weights[k.name] for k in kinds if k.default_tier == "large"), Decimal(0))
    # Cost at a large share L of jobs: jobs * (S + L * (Lg - S)) <= budget.
    spread = mean_large - mean_small
    if jobs * mean_small > budget:
        max_share = Decimal(0)
    elif spread <= 0:
        max_share = Decimal(1)
    else:
        max_share = min(Decimal(1), (budget / jobs - mean_small) / spread)
    return Projection(
        per_job_small=small_cost,
        per_job_large=large_cost,
        monthly_all_small=jobs * mean_small,
        monthly_all_large=jobs * mean_large,
        monthly_default_routing=jobs * default,
        default_large_share=default_large_share,
        max_large_share=max_share,
        budget=budget,
        jobs=jobs,
    )


def gpu_monthly_cost(
    *, kinds: list[KindProfile], jobs: int, gpu_hour_usd: Decimal, tokens_per_second: Decimal
) -> tuple[Decimal, Decimal]:
    """(GPU-hours, USD) for a self-hosted server that sustains `tokens_per_second`
    of generated tokens across its concurrent requests (prompt tokens are
    prefilled far faster and are folded into that rate)."""
    total_share = sum((k.share for k in kinds), Decimal(0))
    completion = sum((k.share / total_share * k.completion_tokens for k in kinds), Decimal(0))
    hours = jobs * completion / tokens_per_second / 3600
    return hours, hours * gpu_hour_usd


@dataclass(frozen=True)
class BatchSaving:
    monthly: Decimal  # the month with the deferrable share at the batch price
    saving: Decimal


def batch_saving(*, monthly: Decimal, deferrable_share: Decimal, price_factor: Decimal) -> BatchSaving:
    """The month when `deferrable_share` of the work (0..1, by cost) runs
    through provider batch APIs at `price_factor` of the online price."""
    if not Decimal(0) <= deferrable_share <= Decimal(1):
        raise ValueError("the deferrable share must be between 0 and 1")
    if not Decimal(0) < price_factor <= Decimal(1):
        raise ValueError("the batch price factor must be in (0, 1]")
    saving = monthly * deferrable_share * (1 - price_factor)
    return BatchSaving(monthly=monthly - saving, saving=saving)
