"""Tokens, cost and per-stage latency of each task kind, measured on real runs.

Runs N real product records per task kind (from ../shared/data's Flipkart
sample when present, else a few built-in ones) through every pipeline stage
in process against the local model (llama.cpp serving SmolLM2 on CPU), then
reads the ledger and the jobs: prompt and completion tokens per job (all
generations), generations per job, and the median latency of each stage.
Writes the per-kind averages as JSON for `manage.py cost_report --profile`.

    python -m beacon.runtime bench -- .venv/bin/python bench/token_profile.py --per-kind 5 \\
        --out docs/token-profile.json
"""

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path
from unittest import mock

from stack import BASE_DIR, api_key, processes, setup_django, wait_http

DATA = BASE_DIR.parent / "shared" / "data" / "flipkart-products-sample" / "flipkart_com-ecommerce_sample.first999.csv"
BUILT_IN = [
    {"title": "Acme cotton T-shirt", "brand": "Acme", "description": "Navy cotton T-shirt, size L, machine washable."},
    {"title": "Trailblazer hiking boot", "brand": "Acme", "description": "Waterproof leather boot, rubber sole."},
    {"title": "Steel frying pan 28 cm", "brand": "Chef", "description": "Stainless steel pan for induction hobs."},
]


def records(count: int) -> list[dict[str, str]]:
    if not DATA.exists():
        return (BUILT_IN * count)[:count]
    with DATA.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if len(r["description"]) > 200][:count]
    return [
        {"title": r["product_name"][:200], "brand": r["brand"][:100], "description": r["description"][:1500]}
        for r in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=5)
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}/v1"
    import os

    os.environ.update({"LLM_PROVIDER": "local", "LLM_API_BASE": base})
    setup_django()
    from jobs.models import Job, Stage
    from jobs.services import pipeline
    from jobs.services.submission import job_submit
    from jobs.stage_table import STAGE_TABLE
    from llm.cache import cache_clear
    from llm.models import ModelCall
    from prompts.task_kinds import task_kinds
    from tenants.selectors import api_key_by_raw

    key = api_key_by_raw(raw_key=api_key())
    assert key is not None
    runners = {spec.stage: getattr(pipeline, spec.runner) for spec in STAGE_TABLE if spec.stage != Stage.DELIVER}
    cache_clear()  # measure model calls, not cache hits
    jobs: dict[str, list[str]] = {}
    with processes([sys.executable, "manage.py", "llm_serve", "--port", str(args.port)], LLM_PROVIDER="local"):
        wait_http(f"{base}/models", timeout=120)
        with mock.patch("jobs.services.publishing.stage_message_send"):  # stages run here, in order
            for kind in task_kinds().values():
                for record in records(args.per_kind):
                    parameters = {
                        "content": f"{record['title']}. {record['description']}",
                        "locale": "en-US",
                        "product": {"title": record["title"], "brand": record["brand"]},
                    }
                    job = job_submit(
                        api_key=key,
                        kind=kind,
                        parameters=parameters,
                        options={},
                        priority="normal",
                        webhook_url="",
                        output_schema=None,
                        correlation_id="profile",
                        idempotency_key=None,
                        request_hash="",
                    ).job
                    for _ in range(12):
                        stage = Job.objects.values_list("stage", flat=True).get(pk=job.pk)
                        runner = runners.get(Stage(stage))
                        if runner is None:
                            break
                        try:
                            runner(job_id=str(job.id))
                        except Exception as exc:  # a transient failure: the task would retry; so do we
                            print(f"  {kind.name}: {type(exc).__name__}, retrying the stage")
                    jobs.setdefault(kind.name, []).append(str(job.id))

    profile: dict[str, dict[str, object]] = {}
    source = "Flipkart sample" if DATA.exists() else "built-in records"
    print(f"token profile: {args.per_kind} jobs per task kind, local model, {source}")
    print(f"{'task kind':<22}{'done':>6}{'prompt':>8}{'compl.':>8}{'gens':>6}  median stage latency ms")
    for name, ids in jobs.items():
        rows = list(Job.objects.filter(id__in=ids))
        calls = ModelCall.objects.filter(job_id__in=ids)
        prompt = sum(c.prompt_tokens for c in calls) / len(rows)
        completion = sum(c.completion_tokens for c in calls) / len(rows)
        gens = statistics.mean(j.generation_count for j in rows)
        stages = {s: statistics.median(j.stage_latency_ms.get(s, 0) for j in rows) for s in runners}
        done = sum(j.status == "completed" for j in rows)
        profile[name] = {
            "prompt": round(prompt, 1),
            "completion": round(completion, 1),
            "generations": gens,
            "completed": done,
            "jobs": len(rows),
            "stageLatencyMs": stages,
        }
        latency = " ".join(f"{s}={v:.0f}" for s, v in stages.items())
        print(f"{name:<22}{done:>4}/{len(rows):<2}{prompt:>7.0f}{completion:>8.0f}{gens:>6.1f}  {latency}")
    if args.out:
        args.out.write_text(json.dumps(profile, indent=2) + "\n")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
