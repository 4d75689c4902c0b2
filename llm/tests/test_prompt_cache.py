"""Provider prompt caching: Anthropic's marks on long system prompts, and
cached prompt tokens recorded and priced at the provider's cache rate."""

from decimal import Decimal

import litellm
import pytest

from llm.gateway import ModelRequest, complete
from llm.loopback import Behaviour, LoopbackModelServer
from llm.pricing import call_cost
from llm.prompt_cache import cache_hints
from llm.registry import Deployment, registry

LONG = "Rules for the task. " * 400  # well over 1,024 tokens
CLAUDE = Deployment(name="claude", tier="large", model="anthropic/claude-sonnet-4-5", tokenizer="litellm")
GPT = Deployment(name="gpt", tier="small", model="openai/gpt-4o-mini", tokenizer="litellm")


def test_a_long_system_prompt_is_marked_cacheable_for_anthropic_only():
    messages = [{"role": "system", "content": LONG}, {"role": "user", "content": "the product"}]
    marked = cache_hints(CLAUDE, messages)
    assert marked[0]["content"] == [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}]
    assert marked[1] == messages[1]  # the per-job part is never marked
    assert cache_hints(GPT, messages) == messages  # OpenAI caches on its own
    short = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "x"}]
    assert cache_hints(CLAUDE, short) == short  # under the provider's minimum: no mark


def test_cached_prompt_tokens_are_priced_at_the_providers_cache_rate():
    info = litellm.model_cost["gpt-4o-mini"]
    full = call_cost(GPT, prompt_tokens=2000, completion_tokens=100, latency_ms=0)
    half_cached = call_cost(GPT, prompt_tokens=2000, completion_tokens=100, latency_ms=0, cached_tokens=1000)
    expected_gap = Decimal(1000) * (
        Decimal(str(info["input_cost_per_token"])) - Decimal(str(info["cache_read_input_token_cost"]))
    )
    assert full - half_cached == expected_gap.quantize(Decimal("0.00000001"))
    # A deployment priced by hand names its cache price, or gets none.
    hand = Deployment(name="h", tier="small", model="openai/x", input_cost_per_token=Decimal("0.000001"),
                      output_cost_per_token=Decimal(0), cached_input_cost_per_token=Decimal("0.0000001"))  # fmt: skip
    assert call_cost(hand, prompt_tokens=1000, completion_tokens=0, latency_ms=0, cached_tokens=1000) == Decimal(
        "0.0001"
    )
    assert call_cost(
        Deployment(
            name="n",
            tier="small",
            model="openai/x",
            input_cost_per_token=Decimal("0.000001"),
            output_cost_per_token=Decimal(0),
        ),
        prompt_tokens=1000,
        completion_tokens=0,
        latency_ms=0,
        cached_tokens=1000,
    ) == Decimal("0.001")


@pytest.mark.django_db
def test_the_gateway_records_the_cached_tokens_a_provider_reports(settings):
    with LoopbackModelServer() as server:
        server.default = Behaviour.ok("{}", cached_tokens=3)
        settings.LLM_PROVIDER = "local"
        settings.LLM_DEPLOYMENTS = [
            {"name": "cachey", "tier": "small", "model": "openai/cachey", "api_base": server.api_base,
             "api_key_env": "LLM_API_KEY", "input_cost_per_token": "0.000001", "output_cost_per_token": "0.000002",
             "cached_input_cost_per_token": "0.0000005", "tokenizer": "litellm"},
        ]  # fmt: skip
        request = ModelRequest(
            messages=[{"role": "user", "content": "one two three four five"}],
            schema=None,
            max_tokens=20,
            temperature=0.0,
            cache_scope="test",
            cache="bypass",
        )
        completion = complete(request)
        (attempt,) = completion.attempts
        assert attempt.cached_tokens == 3
        deployment = registry().get("cachey")
        expected = call_cost(
            deployment,
            prompt_tokens=attempt.prompt_tokens,
            completion_tokens=attempt.completion_tokens,
            latency_ms=0,
            cached_tokens=3,
        )
        assert attempt.cost_usd == expected
        assert expected < call_cost(
            deployment, prompt_tokens=attempt.prompt_tokens, completion_tokens=attempt.completion_tokens, latency_ms=0
        )


def test_the_gateway_sends_the_marks_to_an_anthropic_deployment(settings, monkeypatch):
    sent = {}

    def fake_completion(**kwargs):
        sent.update(kwargs)
        raise litellm.exceptions.AuthenticationError("stop here", llm_provider="anthropic", model="claude")

    settings.LLM_PROVIDER = "local"
    settings.LLM_DEPLOYMENTS = [
        {"name": "claude", "tier": "large", "model": "anthropic/claude-sonnet-4-5", "tokenizer": "litellm",
         "json_mode": "none"},
    ]  # fmt: skip
    monkeypatch.setattr(litellm, "completion", fake_completion)
    request = ModelRequest(
        messages=[{"role": "system", "content": LONG}, {"role": "user", "content": "x"}],
        schema=None,
        max_tokens=20,
        temperature=0.0,
        cache_scope="test",
        cache="bypass",
    )
    with pytest.raises(Exception):  # noqa: B017 - any error: only what was sent matters here
        complete(request)
    assert sent["messages"][0]["content"][0]["cache_control"] == {"type": "ephemeral"}
