"""Does prompt-lookup speculative decoding make the local model faster?

llama-cpp-python can guess the next few tokens by finding the last tokens
generated earlier in the prompt and copying what followed them there
(`--draft_model prompt-lookup-decoding`); the model then checks the guesses
in one batch. Product copy and extracted values often repeat the input's own
words, which is the case it is made for. The price: the server must keep the
logits of every token (`logits_all`), prompt tokens included.

This bench renders real jobs (product_description and metadata_enrichment,
their system prompts and output schemas as the gateway sends them, the
products read in place from ../shared/data, else the built-in ones) and
sends the same calls to a server without and with speculation, alternating
the two for a few rounds. Temperature 0, so the answers must be identical;
the bench counts those that differ.

    python -m beacon.runtime bench -- .venv/bin/python bench/local_model_speculation.py \\
        [--calls 12] [--rounds 2] [--draft-tokens 10]
"""

import argparse
import statistics
import sys
import time

import httpx
from local_model_instances import PRODUCTS
from stack import BASE_DIR, processes, setup_django, wait_http

PORT = 8890


def job_calls(count: int) -> list[dict]:
    """Chat bodies of `count` jobs, half descriptions, half enrichments."""
    from evals.clean_records import clean_records
    from llm.adapters import response_format_for
    from prompts.rendering import fence_token_for, render_messages
    from prompts.task_kinds import task_kinds

    records = [r for r in clean_records(400) if r["source"] == "flipkart"][:count] or [
        {"content": text, "title": "", "brand": ""} for text in PRODUCTS
    ]
    kinds = task_kinds()
    bodies = []
    for index in range(count):
        record = records[index % len(records)]
        kind = kinds["product_description" if index % 2 == 0 else "metadata_enrichment"]
        parameters = {"content": record["content"][:1200], "locale": "en-US"}
        if record.get("title"):
            parameters["product"] = {"title": record["title"], "brand": record.get("brand", "")}
        messages = render_messages(
            kind=kind, parameters=parameters, fence_token=fence_token_for(parameters, scope="bench")
        )
        bodies.append(
            {
                "model": "smollm2-135m-instruct",
                "messages": messages,
                "max_tokens": kind.max_tokens,
                "temperature": 0.0,
                "response_format": response_format_for("llama_cpp", kind.output_schema),
            }
        )
    return bodies


def measure(bodies: list[dict]) -> tuple[float, float, list[str]]:
    """Seconds for the calls one after another, tokens generated per second, the answers."""
    base = f"http://127.0.0.1:{PORT}/v1/chat/completions"
    answers, tokens = [], 0
    with httpx.Client(timeout=600) as client:
        client.post(base, json={**bodies[0], "max_tokens": 2}).raise_for_status()  # warm the prompt cache
        started = time.perf_counter()
        for body in bodies:
            answer = client.post(base, json=body).json()
            answers.append(answer["choices"][0]["message"]["content"])
            tokens += int(answer["usage"]["completion_tokens"])
        seconds = time.perf_counter() - started
    return seconds, tokens / seconds, answers


def server(draft_tokens: int) -> list[str]:
    from llm.local_server import server_command

    command = ["nice", "-n", "19", *server_command(host="127.0.0.1", port=PORT, threads=2)]
    if draft_tokens:
        command += ["--draft_model", "prompt-lookup-decoding", "--draft_model_num_pred_tokens", str(draft_tokens)]
    return command


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--draft-tokens", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    setup_django()
    bodies = job_calls(args.calls)
    layouts = {"plain": 0, "speculative": args.draft_tokens}
    seconds: dict[str, list[float]] = {name: [] for name in layouts}
    rates: dict[str, list[float]] = {name: [] for name in layouts}
    answers: dict[str, list[str]] = {}
    for _ in range(args.rounds):
        for name, draft in layouts.items():
            with processes(server(draft)):
                wait_http(f"http://127.0.0.1:{PORT}/v1/models", timeout=180)
                took, rate, said = measure(bodies)
            seconds[name].append(took)
            rates[name].append(rate)
            answers[name] = said
    differ = sum(a != b for a, b in zip(answers["plain"], answers["speculative"], strict=True))
    print(
        f"{args.calls} job calls (half descriptions, half enrichments), {args.rounds} rounds, 2 threads, temperature 0"
    )
    for name in layouts:
        each = ", ".join(f"{s:.1f}" for s in seconds[name])
        took, rate = statistics.median(seconds[name]), statistics.median(rates[name])
        print(f"  {name:12} {took:6.1f} s ({each}), {rate:5.1f} tokens/s out")
    ratio = statistics.median(seconds["plain"]) / statistics.median(seconds["speculative"])
    print(f"  speculative speed-up: x{ratio:.2f}; answers that differ: {differ} of {args.calls}")


if __name__ == "__main__":
    main()
