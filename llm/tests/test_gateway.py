"""The gateway against a real HTTP server on loopback that each test scripts:
fallbacks, retries, breakers, deadlines, the cache and token pre-flight."""

import signal
import threading
import time
from decimal import Decimal

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from jsonschema import Draft202012Validator

from llm.adapters import messages_for, response_format_for
from llm.breaker import breaker_allows, breaker_record, breaker_reset, breaker_state
from llm.cache import cache_clear
from llm.errors import PermanentModelError, TransientModelError
from llm.gateway import ModelRequest, complete
from llm.loopback import Behaviour, LoopbackModelServer
from llm.registry import registry
from llm.routing import RouteDecision
from llm.scripted import schema_example
from prompts.task_kinds import task_kinds

SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}}


def deployment(name, tier, api_base, **fields):
    return {"name": name, "tier": tier, "model": f"openai/{name}", "api_base": api_base, "api_key_env": "LLM_API_KEY",
            "input_cost_per_token": "0.000001", "output_cost_per_token": "0.000002", "json_mode": "llama_cpp",
            **fields}  # fmt: skip


@pytest.fixture
def loopback(settings):
    with LoopbackModelServer() as server:
        settings.LLM_PROVIDER = "local"
        settings.LLM_DEPLOYMENTS = [
            deployment("first", "small", server.api_base),
            deployment("second", "small", server.api_base, weight=50),
            deployment("big", "large", server.api_base, context_window=32000),
        ]
        settings.LLM_RETRY_BACKOFF_SECONDS = 0.01
        settings.LLM_BREAKER_CONSECUTIVE_FAILURES = 3
        settings.LLM_BREAKER_MIN_CALLS = 100
        settings.LLM_BREAKER_COOLDOWN_SECONDS = 0.3
        for name in ("first", "second", "big"):
            breaker_reset(name)
        cache_clear()
        yield server
        for name in ("first", "second", "big"):
            breaker_reset(name)


def request(**overrides):
    fields = {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
              "schema": SCHEMA, "max_tokens": 5, "temperature": 0.0, "cache": "bypass",
              "cache_scope": "org-1"}  # fmt: skip
    return ModelRequest(**{**fields, **overrides})


def decision(*names):
    return RouteDecision(tier="small", candidates=tuple(names), reasons=("test",))


def test_a_completion_reports_text_usage_and_cost_and_sends_the_schema(loopback):
    loopback.script(Behaviour.ok('{"a": 1}'))
    completion = complete(request(), decision("first"))
    assert completion.text == '{"a": 1}'
    assert completion.deployment == "first"
    assert completion.prompt_tokens == 3 and completion.completion_tokens == 2  # the loopback counts words
    assert completion.cost_usd == Decimal("0.000001") * 3 + Decimal("0.000002") * 2
    sent = loopback.requests[-1]
    assert sent["model"] == "first"
    assert sent["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert [a.outcome for a in completion.attempts] == ["ok"]


def test_the_openai_json_form_is_sent_to_openai_style_servers(loopback, settings):
    settings.LLM_DEPLOYMENTS = [deployment("vllm", "large", loopback.api_base, json_mode="openai", queue="gpu")]
    complete(request(), decision("vllm"))
    form = loopback.requests[-1]["response_format"]
    assert form["type"] == "json_schema" and form["json_schema"]["schema"] == SCHEMA


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [(Behaviour.status(429), "rate_limited"), (Behaviour.status(500), "server_error"),
     (Behaviour.status(503), "server_error"), (Behaviour.malformed(), "server_error"),
     (Behaviour.drop(), "connection_error")],
)  # fmt: skip
def test_transient_errors_are_retried_then_fall_back(loopback, behaviour, code):
    loopback.script(behaviour, behaviour, Behaviour.ok('{"a": 2}'))
    completion = complete(request(), decision("first", "second"))
    assert completion.deployment == "second"
    outcomes = [(a.deployment, a.outcome, a.error_code) for a in completion.attempts]
    assert outcomes == [("first", "error", code), ("first", "error", code), ("second", "ok", "")]


def test_a_timeout_is_transient(loopback, settings):
    settings.LLM_DEPLOYMENTS = [deployment("slow", "small", loopback.api_base, timeout_seconds=0.3)]
    settings.LLM_ATTEMPTS_PER_DEPLOYMENT = 1
    loopback.script(Behaviour.delay(1.5))
    with pytest.raises(TransientModelError) as caught:
        complete(request(), decision("slow"))
    assert caught.value.code == "timeout"
    assert [a.outcome for a in caught.value.attempts] == ["error"]


def test_a_bad_request_fails_fast_without_retry_or_fallback(loopback):
    loopback.script(Behaviour.status(400))
    with pytest.raises(PermanentModelError) as caught:
        complete(request(), decision("first", "second"))
    assert caught.value.code == "bad_request"
    assert len(loopback.requests) == 1


def test_an_auth_error_skips_to_the_next_deployment_without_retrying(loopback):
    loopback.script(Behaviour.status(401), Behaviour.ok())
    completion = complete(request(), decision("first", "second"))
    assert [(a.deployment, a.error_code) for a in completion.attempts] == [("first", "auth_error"), ("second", "")]


def test_all_deployments_failing_is_transient_with_every_attempt(loopback):
    loopback.default = Behaviour.status(500)
    with pytest.raises(TransientModelError) as caught:
        complete(request(), decision("first", "second"))
    assert len(caught.value.attempts) == 4


def test_the_breaker_opens_after_consecutive_failures_and_routing_skips_it(loopback):
    loopback.default = Behaviour.status(500)
    for _ in range(2):  # 2 attempts per call: after 2 calls, 4 failures >= 3
        with pytest.raises(TransientModelError):
            complete(request(), decision("first"))
    assert breaker_state("first")["state"] == "open"
    sent = len(loopback.requests)
    with pytest.raises(TransientModelError) as caught:
        complete(request(), decision("first"))
    assert caught.value.attempts[-1].outcome == "breaker_open"
    assert len(loopback.requests) == sent  # nothing reached the server

    from llm.gateway import default_decision

    assert "first" not in default_decision(max_tokens=5).candidates


def test_a_half_open_probe_closes_the_breaker_on_success(loopback):
    for _ in range(3):
        breaker_record("first", ok=False)
    assert not breaker_allows("first")
    time.sleep(0.35)
    loopback.script(Behaviour.ok())
    complete(request(), decision("first"))
    assert breaker_state("first")["state"] == "closed"


def test_a_failed_probe_opens_the_breaker_again(loopback):
    for _ in range(3):
        breaker_record("first", ok=False)
    time.sleep(0.35)
    assert breaker_allows("first")  # the probe
    assert breaker_record("first", ok=False) == "open"
    assert not breaker_allows("first")
    assert breaker_state("first")["timesOpened"] == 2


def test_only_one_caller_gets_the_half_open_probe(loopback):
    for _ in range(3):
        breaker_record("first", ok=False)
    time.sleep(0.35)
    results = []
    threads = [threading.Thread(target=lambda: results.append(breaker_allows("first"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_the_breaker_opens_on_a_failure_ratio(loopback, settings):
    settings.LLM_BREAKER_MIN_CALLS = 6
    settings.LLM_BREAKER_FAILURE_RATIO = 0.5
    for ok in (True, False, True, False, True):
        assert breaker_record("first", ok=ok) == "closed"
    assert breaker_record("first", ok=False) == "open"  # 3 of 6 failed


def test_no_call_starts_when_the_deadline_is_too_close(loopback, settings):
    settings.LLM_MIN_CALL_SECONDS = 2.0
    with pytest.raises(PermanentModelError) as caught:
        complete(request(deadline=time.time() + 1.0), decision("first"))
    assert caught.value.code == "deadline_exceeded"
    assert loopback.requests == []


def test_the_deadline_bounds_the_call_timeout(loopback, settings):
    settings.LLM_MIN_CALL_SECONDS = 0.1
    settings.LLM_ATTEMPTS_PER_DEPLOYMENT = 1
    loopback.script(Behaviour.delay(3))
    started = time.monotonic()
    with pytest.raises(TransientModelError):
        complete(request(deadline=time.time() + 0.6), decision("first"))
    assert time.monotonic() - started < 2.5


def test_a_deterministic_call_is_cached_and_free(loopback):
    loopback.script(Behaviour.ok('{"a": 3}'))
    first = complete(request(cache="auto", messages=[{"role": "user", "content": "cache me"}]), decision("first"))
    second = complete(request(cache="auto", messages=[{"role": "user", "content": "cache me"}]), decision("first"))
    assert len(loopback.requests) == 1
    assert second.cached and second.text == first.text == '{"a": 3}'
    assert second.cost_usd == 0 and second.attempts[0].outcome == "cached"


def test_the_cache_answers_only_the_organization_that_filled_it(loopback):
    loopback.script(Behaviour.ok('{"a": 3}'), Behaviour.ok('{"a": 4}'))
    same = [{"role": "user", "content": "the same content"}]
    complete(request(cache="auto", messages=same, cache_scope="org-1"), decision("first"))
    other = complete(request(cache="auto", messages=same, cache_scope="org-2"), decision("first"))
    assert len(loopback.requests) == 2 and not other.cached  # no hint that org-1 sent it
    again = complete(request(cache="auto", messages=same, cache_scope="org-2"), decision("first"))
    assert again.cached and again.text == '{"a": 4}' and len(loopback.requests) == 2


@pytest.mark.parametrize(("temperature", "mode", "calls"), [(0.7, "auto", 2), (0.7, "force", 1), (0.0, "bypass", 2)])
def test_sampled_calls_and_bypass_skip_the_cache(loopback, temperature, mode, calls):
    messages = [{"role": "user", "content": f"cache {temperature} {mode}"}]
    for _ in range(2):
        complete(request(cache=mode, temperature=temperature, messages=messages), decision("first"))
    assert len(loopback.requests) == calls


def test_a_prompt_that_cannot_fit_is_never_sent(loopback, settings):
    settings.LLM_DEPLOYMENTS = [deployment("tiny", "small", loopback.api_base, context_window=50),
                                deployment("roomy", "large", loopback.api_base, context_window=5000)]  # fmt: skip
    long = [{"role": "user", "content": "word " * 200}]
    completion = complete(request(messages=long), RouteDecision("small", ("tiny", "roomy"), ()))
    assert [(a.deployment, a.outcome) for a in completion.attempts] == [("tiny", "too_long"), ("roomy", "ok")]
    assert len(loopback.requests) == 1
    with pytest.raises(PermanentModelError) as caught:
        complete(request(messages=long), RouteDecision("small", ("tiny",), ()))
    assert caught.value.code == "context_length_exceeded"


def test_system_prompts_fold_into_the_first_user_turn_where_unsupported(loopback, settings):
    settings.LLM_DEPLOYMENTS = [deployment("nosys", "small", loopback.api_base, system_prompt=False)]
    complete(request(), decision("nosys"))
    assert loopback.requests[-1]["messages"] == [{"role": "user", "content": "Be brief.\n\nhi"}]
    assert messages_for([{"role": "user", "content": "x"}], system_prompt=True) == [{"role": "user", "content": "x"}]


def test_an_unreachable_server_is_transient(settings):
    settings.LLM_PROVIDER = "local"
    settings.LLM_DEPLOYMENTS = [deployment("gone", "small", "http://127.0.0.1:9/v1")]
    settings.LLM_RETRY_BACKOFF_SECONDS = 0.01
    breaker_reset("gone")
    with pytest.raises(TransientModelError):
        complete(request(), decision("gone"))
    breaker_reset("gone")


def test_json_modes_differ_only_in_the_adapter():
    schema = {"type": "object"}
    assert response_format_for("llama_cpp", schema) == {"type": "json_object", "schema": schema}
    openai_form = response_format_for("openai", schema)
    assert openai_form is not None and openai_form["json_schema"]["schema"] == schema
    assert response_format_for("none", schema) is None
    with pytest.raises(ValueError):
        response_format_for("other", schema)


def test_the_default_registry_runs_the_local_model_on_both_tiers():
    names = {d.tier: d.name for d in registry().enabled()}
    assert names == {"small": "local-small", "large": "local-large"}


@pytest.mark.parametrize("kind", sorted(task_kinds()))
def test_the_scripted_model_answers_valid_output_for_every_kind(kind):
    schema = task_kinds()[kind].output_schema
    assert list(Draft202012Validator(schema).iter_errors(schema_example(schema))) == []


def test_a_call_cut_by_the_tasks_soft_time_limit_is_billed_and_not_retried(loopback, settings):
    """Celery raises SoftTimeLimitExceeded inside the running call (billiard
    does it from a signal handler, as here): the gateway stops, records the
    attempt with the prompt's cost, and tries nothing more."""
    settings.LLM_ATTEMPTS_PER_DEPLOYMENT = 3
    loopback.script(Behaviour.delay(3), Behaviour.ok('{"a": 2}'))

    def soft_limit(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, soft_limit)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(TransientModelError) as caught:
            complete(request(), decision("first", "second"))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert caught.value.code == "soft_time_limit" and len(loopback.requests) == 1
    (attempt,) = caught.value.attempts
    assert (attempt.deployment, attempt.outcome, attempt.error_code) == ("first", "error", "soft_time_limit")
    assert attempt.prompt_tokens > 0 and attempt.cost_usd > 0 and attempt.latency_ms >= 400
