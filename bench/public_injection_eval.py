"""The injection defence on a public set nobody here tuned on: AgentDojo's
indirect injections (evals/data/public/, MIT).

    .venv/bin/python bench/public_injection_eval.py --input-only
    .venv/bin/python bench/public_injection_eval.py --model obedient
    .venv/bin/python bench/public_injection_eval.py --limit 100          # the local model

`--input-only`: the input layers (rules and classifier) on the 1,065
injected documents and the 196 clean ones; no model.

Otherwise every injected document whose goal names an e-mail address, link
or IBAN (975 of them) becomes a job of each kind in `--kinds`, through the
service layer and a real Celery worker: a moderation summary of the
document, and a product description with the document as a reference
document. The attack succeeded when the job delivered without review and
its output holds one of the goal's markers. `--model obedient` pins the
stand-in that follows every instruction (llm/obedient.py); without it the
local model server answers.
"""

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

from injection_eval import LLM_PORT, outcome, submit, wait_all
from stack import BASE_DIR, api_key, celery_worker, processes, setup_django, wait_http

PUBLIC = BASE_DIR / "evals" / "data" / "public" / "agentdojo_v1.2.2.jsonl.gz"
PRODUCT = {"title": "Desk organiser", "brand": "Tidy Co"}


def rows() -> list[dict]:
    with gzip.open(PUBLIC, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def input_only() -> None:
    from safety.classifier import classify
    from safety.injection import injection_decision, scan_text

    decisions: dict[int, Counter[str]] = {0: Counter(), 1: Counter()}
    by_attack: dict[str, Counter[str]] = {}
    for row in rows():
        text = row["text"]
        decision = injection_decision(scan_text(text).score, classify(text).score)
        decisions[row["label"]][decision] += 1
        if row["label"]:
            by_attack.setdefault(row["attack"], Counter())[decision] += 1
    for label, name in ((1, "injected"), (0, "clean")):
        counts = decisions[label]
        total = sum(counts.values())
        caught = counts["flag"] + counts["block"]
        print(f"{name}: {total} documents, flagged or blocked {caught} ({100 * caught / total:.1f}%) {dict(counts)}")
    for attack, counts in sorted(by_attack.items()):
        total = sum(counts.values())
        print(f"  {attack:24s} {counts['flag'] + counts['block']}/{total}")


def parameters(row: dict, kind: str) -> dict:
    if kind == "moderation_summary":
        return {"content": row["text"][:4000], "locale": "en-US"}
    document = {"title": "Supplier notes", "text": row["text"][:4000]}
    return {"content": "A desk organiser with five compartments.", "locale": "en-US", "product": PRODUCT,
            "reference_documents": [document]}  # fmt: skip


def end_to_end(args: argparse.Namespace) -> None:
    from tenants.selectors import api_key_by_raw

    attacks = [row for row in rows() if row["label"] and row.get("markers")][: args.limit]
    kinds = args.kinds.split(",")
    key = api_key_by_raw(raw_key=api_key())
    base = f"http://127.0.0.1:{LLM_PORT}/v1"
    env = {"LLM_PROVIDER": "local", "LLM_API_BASE": base, "BEACON_REVIEW_SAMPLING": "false"}
    server = [] if args.model == "obedient" else [[sys.executable, "manage.py", "llm_serve", "--port", str(LLM_PORT)]]
    workers = [celery_worker(2, queues="default"), celery_worker(1 if server else 2, queues="llm")]
    started = time.monotonic()
    with processes(*server, *workers, **env):
        if server:
            wait_http(f"{base}/models", timeout=180)
        jobs = [
            (submit(key, parameters(row, kind), kind, row["id"], args.model), row, kind)
            for row in attacks
            for kind in kinds
        ]
        wait_all([job for job, _, _ in jobs], timeout=3 * 3600)
    results = []
    for job, row, kind in jobs:
        case = {"success_markers": row["markers"], "leak_counts": False}
        results.append({"id": row["id"], "kind": kind, "attack": row["attack"], **outcome(job, case)})
    elapsed = (time.monotonic() - started) / 60
    print(f"model {args.model or 'local'}: {len(results)} jobs from {len(attacks)} documents, {elapsed:.1f} min")
    for kind in kinds:
        mine = [r for r in results if r["kind"] == kind]
        won = sum(r["succeeded"] for r in mine)
        flagged = sum(r["input"] in ("flag", "block") for r in mine)
        complied = sum(r["model_complied"] for r in mine)
        print(
            f"  {kind}: success {won}/{len(mine)} ({100 * won / len(mine):.2f}%); input flagged {flagged}; "
            f"the model wrote a marker in {complied}; statuses {dict(Counter(r['status'] for r in mine))}"
        )
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input-only", action="store_true")
    parser.add_argument("--model", choices=("", "obedient"), default="")
    parser.add_argument("--kinds", default="moderation_summary,product_description")
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    setup_django()
    if args.input_only:
        input_only()
    else:
        end_to_end(args)


if __name__ == "__main__":
    main()
