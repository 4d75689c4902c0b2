"""The budget governor: month-to-date spend, the month-end projection, a level.

Spend per organization (and in all) per calendar month (UTC) is kept in Redis
counters, bumped when a ModelCall commits, so the intake check is one Redis
read rather than a sum over the ledger. A missing counter (Redis restarted) is
rebuilt from the ledger, which stays the source of truth.

Levels:
  ok    spend and projection within budget.
  soft  the month-end projection (spend / elapsed share of the month) is at or
        above LLM_BUDGET_SOFT_RATIO of the budget: non-premium large work runs
        on small (routing.py).
  hard  spend has reached the budget: new jobs get a 429, `low` priority jobs
        already accepted wait (deferred, never dropped) until the level falls.
"""

import calendar
import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import redis
from django.conf import settings
from django.db.models import Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from common.redis_client import redis_client
from llm.models import ModelCall

KEY_PREFIX = "beacon:spend:"
GLOBAL = "all"
LEVELS = ("ok", "soft", "hard")


@dataclass(frozen=True)
class BudgetState:
    scope: str  # an organization id, or "all"
    budget_usd: Decimal | None
    spent_usd: Decimal
    projected_usd: Decimal
    level: str
    month_start: datetime
    month_end: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "budgetUsd": str(self.budget_usd) if self.budget_usd is not None else None,
            "spentUsd": str(self.spent_usd.quantize(Decimal("0.000001"))),
            "projectedUsd": str(self.projected_usd.quantize(Decimal("0.01"))),
            "level": self.level,
            "periodStart": self.month_start.isoformat(),
            "periodEnd": self.month_end.isoformat(),
        }


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    now = now.astimezone(UTC)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    days = calendar.monthrange(start.year, start.month)[1]
    return start, start + timedelta(days=days)


def _key(scope: str, month_start: datetime) -> str:
    return f"{KEY_PREFIX}{scope}:{month_start:%Y-%m}"


def _ledger_spend(scope: str, month_start: datetime, month_end: datetime) -> Decimal:
    calls = ModelCall.objects.filter(created_at__gte=month_start, created_at__lt=month_end)
    if scope != GLOBAL:
        calls = calls.filter(organization_id=scope)
    return calls.aggregate(total=Sum("cost_usd"))["total"] or Decimal(0)


# With Redis down, the month's spend comes from the ledger: summed once per
# process and scope for this long, not on every submission.
LEDGER_FALLBACK_SECONDS = 30.0
_ledger_fallback: dict[tuple[str, datetime], tuple[float, Decimal]] = {}


def _ledger_spend_without_redis(scope: str, month_start: datetime, month_end: datetime) -> Decimal:
    now = time.monotonic()
    hit = _ledger_fallback.get((scope, month_start))
    if hit is not None and now - hit[0] < LEDGER_FALLBACK_SECONDS:
        return hit[1]
    spent = _ledger_spend(scope, month_start, month_end)
    if len(_ledger_fallback) > 1024:  # organizations x months: bounded all the same
        _ledger_fallback.clear()
    _ledger_fallback[(scope, month_start)] = (now, spent)
    return spent


def spend_month_to_date(scope: str, now: datetime | None = None) -> Decimal:
    month_start, month_end = month_bounds(now or timezone.now())
    key = _key(scope, month_start)
    try:
        cached = redis_client().get(key)
    except redis.RedisError:
        return _ledger_spend_without_redis(scope, month_start, month_end)
    if cached is not None:
        return Decimal(cached.decode() if isinstance(cached, bytes) else str(cached))
    spent = _ledger_spend(scope, month_start, month_end)
    # NX: a concurrent increment that landed first already counts this spend.
    with contextlib.suppress(redis.RedisError):
        redis_client().set(key, str(spent), nx=True, ex=int(timedelta(days=40).total_seconds()))
    return spent


def spend_record(*, organization_id: str, cost_usd: Decimal, when: datetime | None = None) -> None:
    """Add committed spend to the counters (called on commit of ModelCall rows).
    A counter that does not exist is left alone: the next read rebuilds it
    from the ledger, which already holds this spend."""
    if not cost_usd:
        return
    month_start, _ = month_bounds(when or timezone.now())

    def bump(key: str) -> Any:
        def update(pipe: Any) -> None:
            if pipe.exists(key):
                pipe.multi()
                pipe.incrbyfloat(key, float(cost_usd))

        return update

    try:
        for scope in (organization_id, GLOBAL):
            key = _key(scope, month_start)
            redis_client().transaction(bump(key), key)  # WATCH: no bump lands on a key rebuilt meanwhile
    except redis.RedisError:
        pass


def _level(*, budget: Decimal | None, spent: Decimal, projected: Decimal) -> str:
    if budget is None:
        return "ok"
    if spent >= budget:
        return "hard"
    if projected >= budget * Decimal(str(settings.LLM_BUDGET_SOFT_RATIO)):
        return "soft"
    return "ok"


def budget_state(scope: str, budget: Decimal | None, now: datetime | None = None) -> BudgetState:
    now = now or timezone.now()
    month_start, month_end = month_bounds(now)
    spent = spend_month_to_date(scope, now)
    # Never project from less than LLM_BUDGET_MIN_ELAPSED_HOURS of a month: one
    # expensive first hour must not look like a month-end overrun.
    elapsed = max(now - month_start, timedelta(hours=settings.LLM_BUDGET_MIN_ELAPSED_HOURS))
    share = min(Decimal(1), Decimal(elapsed.total_seconds()) / Decimal((month_end - month_start).total_seconds()))
    projected = (spent / share).quantize(Decimal("0.01"))
    return BudgetState(
        scope=scope,
        budget_usd=budget,
        spent_usd=spent,
        projected_usd=projected,
        level=_level(budget=budget, spent=spent, projected=projected),
        month_start=month_start,
        month_end=month_end,
    )


def global_budget() -> Decimal | None:
    value = settings.LLM_GLOBAL_MONTHLY_BUDGET_USD
    return Decimal(str(value)) if value else None


_BUDGETS: dict[str, tuple[float, Decimal | None]] = {}


def organization_budget(organization_id: Any) -> Decimal | None:
    """An organization's monthly budget, cached in the process for
    LLM_BUDGET_CACHE_SECONDS: read by every job's routing, changed rarely."""
    from tenants.models import Organization

    key = str(organization_id)
    now = time.monotonic()
    cached = _BUDGETS.get(key)
    if cached is not None and now - cached[0] < settings.LLM_BUDGET_CACHE_SECONDS:
        return cached[1]
    budget = Organization.objects.filter(pk=key).values_list("monthly_budget_usd", flat=True).first()
    _BUDGETS[key] = (now, budget)
    return budget


@receiver(post_save, sender="tenants.Organization")
def _budget_changed(*, instance: Any, **kwargs: Any) -> None:
    _BUDGETS.pop(str(instance.pk), None)


def _scopes(organization_id: str, organization_budget: Decimal | None) -> list[tuple[str, Decimal | None]]:
    """The budgets a piece of model work answers to: its organization's and the global one."""
    return [(str(organization_id), organization_budget), (GLOBAL, global_budget())]


def governor_level(organization_id: str, organization_budget: Decimal | None) -> tuple[str, list[BudgetState]]:
    """The stricter of the organization's and the global level, with both states."""
    states = [budget_state(scope, budget) for scope, budget in _scopes(organization_id, organization_budget)]
    level = max((s.level for s in states), key=LEVELS.index)
    return level, states


def budget_spent(organization_id: str, organization_budget: Decimal | None) -> BudgetState | None:
    """The budget (the organization's or the global one) whose month is spent,
    if any: new model work is refused until the month ends or it is raised."""
    # Only a scope with a budget can be spent: the intake asks on every
    # submission, and most organizations (and the platform) have none, so
    # their month's spend is not read.
    scopes = _scopes(organization_id, organization_budget)
    states = (budget_state(scope, budget) for scope, budget in scopes if budget is not None)
    return next((s for s in states if s.level == "hard"), None)
