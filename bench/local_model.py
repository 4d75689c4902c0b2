"""Tokens per second of the local model (SmolLM2-135M on llama.cpp, CPU).

Starts the model server, sends prompts of a fixed size and reads llama.cpp's
own timings (prompt eval and generation), and prints them beside the bound
that memory bandwidth sets on generation: every generated token reads all the
weights once, so tokens/s <= bandwidth / model bytes. Bandwidth is measured
here with a large memory copy.

    python -m beacon.runtime bench -- .venv/bin/python bench/local_model.py [--runs 5]
"""

import argparse
import statistics
import sys
import time

import httpx
from stack import BASE_DIR, processes, wait_http


def copy_bandwidth_gbs(megabytes: int = 1024, rounds: int = 5) -> float:
    """Read+write bandwidth of one core copying between two buffers far larger
    than any cache (both touched first, so no page faults are timed)."""
    source = bytearray(b"\x01" * (megabytes * 1024 * 1024))
    target = bytearray(len(source))
    view_source, view_target = memoryview(source), memoryview(target)
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        view_target[:] = view_source  # a memcpy: one read and one write of every byte
        seconds = time.perf_counter() - started
        best = max(best, 2 * len(source) / seconds / 1e9)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    from llm.local_server import model_path

    size = model_path().stat().st_size
    command = [sys.executable, "manage.py", "llm_serve", "--port", str(args.port)]
    base = f"http://127.0.0.1:{args.port}"
    prompt = "Describe this product for an online shop in detail. " + "Acme cotton T-shirt, navy, size L. " * 20
    prompt_tps, gen_tps, prompt_tokens = [], [], []
    with processes(command):
        wait_http(f"{base}/v1/models", timeout=120)
        for run in range(args.runs + 1):
            body = {
                "model": "smollm2-135m-instruct",
                "max_tokens": args.max_tokens,
                "temperature": 0.0,
                "messages": [{"role": "user", "content": f"{run} {prompt}"}],
            }
            started = time.perf_counter()
            response = httpx.post(f"{base}/v1/chat/completions", json=body, timeout=300).json()
            elapsed = time.perf_counter() - started
            usage = response["usage"]
            if run == 0:
                continue  # warm-up
            # The server reports no split timings; time a 1-token call for the prompt alone.
            started_prompt = time.perf_counter()
            httpx.post(
                f"{base}/v1/chat/completions",
                json={**body, "max_tokens": 1, "messages": [{"role": "user", "content": f"x{run} {prompt}"}]},
                timeout=300,
            )
            prompt_seconds = time.perf_counter() - started_prompt
            prompt_tokens.append(usage["prompt_tokens"])
            prompt_tps.append(usage["prompt_tokens"] / prompt_seconds)
            gen_tps.append(usage["completion_tokens"] / max(elapsed - prompt_seconds, 1e-6))
    bandwidth = copy_bandwidth_gbs()
    bound = bandwidth * 1e9 / size
    print(
        f"local model: {model_path().name} ({size / 1e6:.0f} MB), {args.runs} runs, "
        f"{statistics.mean(prompt_tokens):.0f} prompt tokens, up to {args.max_tokens} generated"
    )
    print(f"  prompt processing: {statistics.median(prompt_tps):8.0f} tokens/s (median)")
    print(f"  generation:        {statistics.median(gen_tps):8.1f} tokens/s (median)")
    print(
        f"  memory bandwidth:  {bandwidth:8.1f} GB/s (one-core copy) -> generation bound "
        f"{bound:.0f} tokens/s = bandwidth / model size"
    )
    # Above 100% means the weights are served from the CPU's cache, not DRAM:
    # a 98 MB model can fit a server part's last-level cache.
    print(f"  generation reaches {statistics.median(gen_tps) / bound:.0%} of the bandwidth bound")


if __name__ == "__main__":
    main()
