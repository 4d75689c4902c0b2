"""The monthly projection, checked by hand, and the report command end to end."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from llm.costing import BatchSaving, KindProfile, Price, batch_saving, gpu_monthly_cost, project

KINDS = [
    KindProfile("a", Decimal(1), Decimal(1000), Decimal(200), "small"),
    KindProfile("b", Decimal(1), Decimal(1000), Decimal(200), "large"),
]
SMALL = Price("s", Decimal("0.0000001"), Decimal("0.0000004"))  # $0.10 / $0.40 per 1M
LARGE = Price("l", Decimal("0.000002"), Decimal("0.000008"))  # $2 / $8 per 1M


def test_the_projection_matches_hand_arithmetic():
    result = project(kinds=KINDS, small=SMALL, large=LARGE, jobs=1_000_000, budget=Decimal(2000))
    # small job: 1000*0.1e-6 + 200*0.4e-6 = 0.00018; large: 0.002 + 0.0016 = 0.0036
    assert result.per_job_small["a"] == Decimal("0.00018") and result.per_job_large["b"] == Decimal("0.0036")
    assert result.monthly_all_small == Decimal(180) and result.monthly_all_large == Decimal(3600)
    assert result.monthly_default_routing == Decimal(1890)  # half of each
    # 1e6 * (0.00018 + L * 0.00342) = 2000  ->  L = 0.5321...
    assert abs(result.max_large_share - Decimal("0.53216")) < Decimal("0.0001")


def test_a_budget_below_all_small_allows_no_large_work():
    result = project(kinds=KINDS, small=SMALL, large=LARGE, jobs=1_000_000, budget=Decimal(100))
    assert result.max_large_share == 0


def test_gpu_cost_follows_generated_tokens():
    hours, cost = gpu_monthly_cost(kinds=KINDS, jobs=3_600_000, gpu_hour_usd=Decimal(2), tokens_per_second=Decimal(200))
    assert hours == Decimal(1000) and cost == Decimal(2000)  # 3.6e6 * 200 / 200 / 3600


def test_the_command_reads_a_profile_and_prices_from_litellm(tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"metadata_enrichment": {"prompt": 400, "completion": 120},
                                   "product_description": {"prompt": 500, "completion": 250}}))  # fmt: skip
    out = StringIO()
    call_command("cost_report", "--profile", str(profile), "--json", stdout=out)
    figures = json.loads(out.getvalue())
    # gpt-4o-mini: 0.15 / 0.60 per 1M -> metadata 0.000132, product 0.000225 -> mean 0.0001785 * 8e6
    assert Decimal(figures["monthlyAllSmall"]) == Decimal("1428.0")
    text = StringIO()
    call_command("cost_report", "--profile", str(profile), stdout=text)
    assert "Largest share of jobs on large that fits" in text.getvalue()
    assert "With provider batch APIs (50% of jobs deferrable" in text.getvalue()


def test_the_batch_saving_is_the_deferrable_share_at_the_batch_discount(tmp_path):
    assert batch_saving(monthly=Decimal(1000), deferrable_share=Decimal("0.4"), price_factor=Decimal("0.5")) == (
        BatchSaving(monthly=Decimal(800), saving=Decimal(200))
    )
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"metadata_enrichment": {"prompt": 400, "completion": 120}}))
    out = StringIO()
    call_command("cost_report", "--profile", str(profile), "--deferrable", "0.6", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    default = Decimal(figures["monthlyDefaultRouting"])
    assert Decimal(figures["providerBatchSaving"]) == default * Decimal("0.6") * Decimal("0.5")
    assert Decimal(figures["monthlyWithProviderBatches"]) == default - Decimal(figures["providerBatchSaving"])
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("cost_report", "--profile", str(profile), "--deferrable", "1.5", stdout=StringIO())
