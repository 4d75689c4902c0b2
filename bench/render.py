"""Validate-input + render time per task kind (the intake and assemble work
a prompt costs), with the render cache off and on.

    python -m beacon.runtime bench -- .venv/bin/python bench/render.py [--runs 2000]

Target: p50 under 5 ms per task kind (the product's limit is 200 ms).
"""

import argparse
import statistics
import time

from stack import percentile, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from prompts import rendering
    from prompts.rendering import fence_token_for, render_version
    from prompts.resolution import template_resolve
    from prompts.task_kinds import task_kinds

    print(f"render: {args.runs} runs per task kind, input validation + render of the production version")
    for name in task_kinds():
        times: dict[str, list[float]] = {"uncached": [], "cached": []}
        for run in range(args.runs):
            parameters = {
                "content": f"Acme cotton T-shirt {run}, navy, size L. " * 8,
                "locale": "en-US",
                "product": {"title": "Acme T-shirt", "brand": "Acme", "sku": f"SKU-{run}"},
            }
            resolved = template_resolve(template_id=name, selector=None, parameters=parameters, organization_id=None)
            for mode in ("uncached", "cached"):
                if mode == "uncached":
                    rendering._RENDERED.clear()
                started = time.perf_counter()
                errors = list(resolved.kind.input_validator.iter_errors(parameters))
                render_version(
                    version=resolved.version,
                    kind=resolved.kind,
                    parameters=parameters,
                    fence_token=fence_token_for(parameters, scope="bench"),
                )
                times[mode].append((time.perf_counter() - started) * 1000)
                assert not errors
        for mode, values in times.items():
            print(
                f"  {name:<22} {mode:<9} p50 {statistics.median(values):6.3f} ms  p99 {percentile(values, 99):6.3f} ms"
            )


if __name__ == "__main__":
    main()
