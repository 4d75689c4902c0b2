"""What the gateway adds to a model call, against LiteLLM called directly.

The same N calls go to one OpenAI-compatible server on loopback (instant
answers, so the figure isolates Beacon's own work: routing inputs, breaker
check and record in Redis, token pre-flight, cache key, cost), first straight
through `litellm.completion`, then through `llm.gateway.complete`, interleaved
to share any drift. Target: under 5% added at the median.

    python -m beacon.runtime bench -- .venv/bin/python bench/gateway_overhead.py [--calls 300]

`--local-model` measures against the local model server instead (SmolLM2 on
llama.cpp; use fewer calls, e.g. --calls 60), `--server URL` against another.
"""

import argparse
import statistics
import sys
import time

from stack import percentile, processes, setup_django, wait_http


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--server", help="OpenAI base URL; default: a loopback server that answers at once")
    parser.add_argument("--local-model", action="store_true", help="start the local model server and use it")
    args = parser.parse_args()
    setup_django()
    if args.local_model:
        port = 8793
        args.server = f"http://127.0.0.1:{port}/v1"
        with processes([sys.executable, "manage.py", "llm_serve", "--port", str(port)]):
            wait_http(f"{args.server}/models", timeout=120)
            measure(args)
    else:
        measure(args)


def measure(args: argparse.Namespace) -> None:
    import litellm
    from django.conf import settings

    from llm.breaker import breaker_reset
    from llm.gateway import ModelRequest, complete
    from llm.loopback import Behaviour, LoopbackModelServer
    from llm.routing import RouteDecision

    litellm.suppress_debug_info = True
    with LoopbackModelServer(default=Behaviour.ok('{"title": "Blue shirt"}')) as loopback:
        base = args.server or loopback.api_base
        settings.LLM_PROVIDER = "local"
        settings.LLM_DEPLOYMENTS = [
            {
                "name": "bench",
                "tier": "small",
                "model": "openai/smollm2-135m-instruct",
                "api_base": base,
                "api_key_env": "LLM_API_KEY",
                "json_mode": "llama_cpp",
                "tokenizer": "gguf:smollm2",
                "input_cost_per_token": 0,
                "output_cost_per_token": 0,
            }
        ]
        breaker_reset("bench")
        schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
        messages = [
            {"role": "system", "content": "Return JSON with a product title."},
            {"role": "user", "content": "Acme cotton T-shirt, navy blue, size L."},
        ]
        decision = RouteDecision(tier="small", candidates=("bench",), reasons=("bench",))
        request = ModelRequest(
            messages=messages, schema=schema, max_tokens=16, temperature=0.0, cache="bypass", cache_scope="bench"
        )

        def direct() -> None:
            litellm.completion(
                model="openai/smollm2-135m-instruct",
                api_base=base,
                api_key="x",
                messages=messages,
                max_tokens=16,
                temperature=0.0,
                num_retries=0,
                response_format={"type": "json_object", "schema": schema},
            )

        def gateway() -> None:
            complete(request, decision)

        for _ in range(20):  # warm both paths (imports, connection pools, tokenizer)
            direct()
            gateway()
        timings: dict[str, list[float]] = {"direct": [], "gateway": []}
        for _ in range(args.calls):
            for name, call in (("direct", direct), ("gateway", gateway)):
                started = time.perf_counter()
                call()
                timings[name].append((time.perf_counter() - started) * 1000)

    direct_median = statistics.median(timings["direct"])
    gateway_median = statistics.median(timings["gateway"])
    print(f"gateway overhead: {args.calls} calls each to {'loopback' if not args.server else args.server}")
    for name, values in timings.items():
        print(f"  {name:<8} p50 {statistics.median(values):6.2f} ms  p95 {percentile(values, 95):6.2f} ms")
    added = gateway_median - direct_median
    print(f"  added at the median: {added:.2f} ms = {added / direct_median:.1%} of a direct call")


if __name__ == "__main__":
    main()
