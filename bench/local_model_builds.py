"""Two builds of llama.cpp side by side: the installed one and another.

`make deps` builds llama-cpp-python portably (AVX2). A build for this CPU's
wider instructions is made apart, e.g.

    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON ..." \\
        .venv/bin/python -m pip wheel --no-deps -w /tmp/wheels llama-cpp-python==0.3.36
    .venv/bin/python -m pip install --no-deps --target /tmp/llama-other /tmp/wheels/*.whl

and this bench serves the model from each in turn (the other through
PYTHONPATH), sends the same job-sized calls as bench/local_model_instances.py
and prints calls per second, alternating the builds for a few rounds:

    cd bench && ../.venv/bin/python local_model_builds.py --other /tmp/llama-other [--calls 12] [--rounds 2]
"""

import argparse
import sys

from local_model_instances import measure, report, server
from stack import BASE_DIR, processes, wait_http

PORT = 8880


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", required=True, help="a folder holding another llama_cpp package")
    parser.add_argument("--calls", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=120)
    args = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    builds = {"installed": {}, "other": {"PYTHONPATH": args.other}}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in builds}
    for _ in range(args.rounds):
        for name, env in builds.items():
            with processes(server(PORT, 2), **env):
                wait_http(f"http://127.0.0.1:{PORT}/v1/models", timeout=180)
                results[name].append(measure([f"http://127.0.0.1:{PORT}"], args.calls, args.max_tokens))
    print(f"{args.calls} calls per round, {args.rounds} rounds, up to {args.max_tokens} tokens out, 2 threads")
    report({"installed": "installed build", "other": "other build"}, results)


if __name__ == "__main__":
    main()
