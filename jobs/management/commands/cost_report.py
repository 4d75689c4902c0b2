"""Print cost per job and per month for a volume, and the small/large mix that fits a budget.

Token counts per task kind come from the ledger (averages over completed jobs,
every generation included) or from a JSON profile written by
bench/token_profile.py. Prices come from LiteLLM's price map.

    python manage.py cost_report --jobs 8000000 --budget 35000 \\
        --profile docs/token-profile.json --small gpt-4o-mini --large gpt-4o
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Sum

from llm.costing import KindProfile, Price, batch_saving, gpu_monthly_cost, project
from llm.models import ModelCall
from prompts.task_kinds import task_kinds


def _price(model: str) -> Price:
    import litellm

    info = litellm.model_cost.get(model)
    if not info or info.get("input_cost_per_token") is None:
        raise CommandError(f"LiteLLM's price map has no token prices for {model!r}")
    return Price(model, Decimal(str(info["input_cost_per_token"])), Decimal(str(info["output_cost_per_token"])))


def _ledger_profile() -> dict[str, dict[str, float]]:
    rows = (
        ModelCall.objects.filter(job__status="completed")
        .values("task_kind")
        .annotate(jobs=Count("job", distinct=True), prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"))
    )
    return {
        r["task_kind"]: {"prompt": r["prompt"] / r["jobs"], "completion": r["completion"] / r["jobs"]}
        for r in rows
        if r["jobs"]
    }


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


class Command(BaseCommand):
    help = "Monthly model cost at a volume, per task kind and tier, against a budget."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jobs", type=int, default=8_000_000, help="jobs per month")
        parser.add_argument("--budget", type=Decimal, default=Decimal(35_000), help="USD per month")
        parser.add_argument("--profile", type=Path, help="token profile JSON; default: the ledger")
        parser.add_argument("--mix", default="", help="kind=share,... (default: equal shares)")
        parser.add_argument("--small", default="gpt-4o-mini", help="LiteLLM model priced as the small tier")
        parser.add_argument("--large", default="gpt-4o", help="LiteLLM model priced as the large tier")
        parser.add_argument("--gpu-hour", type=Decimal, default=Decimal("2.50"), help="self-hosted USD per GPU-hour")
        parser.add_argument(
            "--gpu-tokens-per-second",
            type=Decimal,
            default=Decimal(2000),
            help="generated tokens/s one GPU sustains across concurrent requests (an assumption unless measured)",
        )
        parser.add_argument("--gpu-replicas", type=int, default=2, help="GPUs kept on all month for availability")
        parser.add_argument(
            "--deferrable",
            type=Decimal,
            default=Decimal("0.5"),
            help="share of jobs (0-1) whose deadline lets them wait for a provider batch API",
        )
        parser.add_argument(
            "--batch-price-factor", type=Decimal, default=Decimal("0.5"), help="batch price / online price"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        measured = json.loads(options["profile"].read_text()) if options["profile"] else _ledger_profile()
        if not measured:
            raise CommandError("no token profile: pass --profile or run some jobs so the ledger has completed ones")
        shares = {k: Decimal(v) for k, v in (p.split("=") for p in options["mix"].split(",") if p)}
        kinds = [
            KindProfile(
                name=name,
                share=shares.get(name, Decimal(1)),
                prompt_tokens=Decimal(str(measured[name]["prompt"])),
                completion_tokens=Decimal(str(measured[name]["completion"])),
                default_tier=task_kinds()[name].tier if name in task_kinds() else "small",
            )
            for name in sorted(measured)
        ]
        small, large = _price(options["small"]), _price(options["large"])
        result = project(kinds=kinds, small=small, large=large, jobs=options["jobs"], budget=options["budget"])
        gpu_hours, gpu_cost = gpu_monthly_cost(
            kinds=kinds,
            jobs=options["jobs"],
            gpu_hour_usd=options["gpu_hour"],
            tokens_per_second=options["gpu_tokens_per_second"],
        )
        try:
            batched = batch_saving(
                monthly=result.monthly_default_routing,
                deferrable_share=options["deferrable"],
                price_factor=options["batch_price_factor"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "jobs": result.jobs,
                        "budget": str(result.budget),
                        "monthlyAllSmall": str(result.monthly_all_small),
                        "monthlyAllLarge": str(result.monthly_all_large),
                        "monthlyDefaultRouting": str(result.monthly_default_routing),
                        "maxLargeShare": str(result.max_large_share),
                        "gpuHours": str(gpu_hours),
                        "gpuCost": str(gpu_cost),
                        "deferrableShare": str(options["deferrable"]),
                        "monthlyWithProviderBatches": str(batched.monthly),
                        "providerBatchSaving": str(batched.saving),
                    }
                )
            )
            return
        out = self.stdout.write
        out(f"Volume {result.jobs:,} jobs/month, budget {_money(result.budget)}")
        out(
            f"Prices (LiteLLM map, USD per 1M tokens in/out): small {small.label} "
            f"{small.input * 10**6:.2f}/{small.output * 10**6:.2f}, large {large.label} "
            f"{large.input * 10**6:.2f}/{large.output * 10**6:.2f}"
        )
        out("")
        out(f"{'task kind':<22}{'share':>7}{'prompt':>9}{'compl.':>8}{'small $/job':>14}{'large $/job':>14}  default")
        total = sum((k.share for k in kinds), Decimal(0))
        for k in kinds:
            small_job, large_job = result.per_job_small[k.name], result.per_job_large[k.name]
            out(
                f"{k.name:<22}{k.share / total:>7.0%}{k.prompt_tokens:>9.0f}{k.completion_tokens:>8.0f}"
                f"{small_job:>14.6f}{large_job:>14.6f}  {k.default_tier}"
            )
        out("")
        out(f"All on small:            {_money(result.monthly_all_small):>14}/month")
        out(f"All on large:            {_money(result.monthly_all_large):>14}/month")
        default_label = f"Default routing ({result.default_large_share:.0%} large):"
        out(f"{default_label:<25}{_money(result.monthly_default_routing):>14}/month")
        verdict = "fits" if result.monthly_default_routing <= result.budget else "does NOT fit"
        out(f"  -> default routing {verdict} the budget")
        out(f"Largest share of jobs on large that fits: {result.max_large_share:.1%}")
        out(
            f"With provider batch APIs ({options['deferrable']:.0%} of jobs deferrable, at "
            f"{options['batch_price_factor']:.0%} of the online price): {_money(batched.monthly)}/month, "
            f"saving {_money(batched.saving)}"
        )
        out(
            f"Self-hosted alternative: {gpu_hours:,.0f} GPU-hours of work at {_money(options['gpu_hour'])}/h "
            f"({options['gpu_tokens_per_second']} generated tokens/s per GPU) = {_money(gpu_cost)}/month"
        )
        floor_hours = Decimal(options["gpu_replicas"] * 730)
        floor = max(floor_hours, gpu_hours) * options["gpu_hour"]
        out(f"  kept on for availability ({options['gpu_replicas']} GPUs x 730 h): {_money(floor)}/month")
