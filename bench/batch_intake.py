"""How fast a batch upload is accepted, and how much memory it takes.

    python -m beacon.runtime bench -- .venv/bin/python bench/batch_intake.py [--lines 10000]

A JSONL file of `--lines` generation requests (a mix of the four kinds,
every line a different product; one line in 50 invalid, as real catalog
exports have some) is uploaded to a real web server (gunicorn with uvicorn
workers, as `make run` serves) with Content-Length, streamed from disk.
Printed: wall time of the upload, lines accepted per second, the web
worker's peak resident memory before and after (VmHWM), and, separately,
how long the dispatch of the stage messages takes (run here in-process,
no worker consuming: this is about intake, not the pipeline).
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import httpx
import psutil
from stack import api_key, gunicorn, processes, setup_django, wait_http

KINDS = ("metadata_enrichment", "taxonomy_tagging", "moderation_summary", "product_description")
COLOURS = ("red", "navy", "olive", "black", "white", "mustard", "teal")
THINGS = ("wool scarf", "cotton shirt", "linen trousers", "leather belt", "canvas tote", "silk tie")


def write_lines(path: Path, count: int) -> int:
    invalid = 0  # one line in 50 lacks its parameters
    with path.open("w") as out:
        for n in range(count):
            if n % 50 == 49:
                out.write(json.dumps({"custom_id": f"sku-{n}", "body": {"templateId": "metadata_enrichment"}}) + "\n")
                invalid += 1
                continue
            content = f"{COLOURS[n % 7].title()} {THINGS[n % 6]} by Maker{n % 97}, size {('S', 'M', 'L')[n % 3]}."
            parameters = {"content": content, "locale": "en-US", "product": {"sku": f"SKU-{n:06d}"}}
            body = {"templateId": KINDS[n % 4], "parameters": parameters}
            out.write(json.dumps({"custom_id": f"sku-{n}", "body": body}) + "\n")
    return invalid


def peak_rss_mb(server: psutil.Process) -> float:
    """The largest peak resident size among the server's worker processes."""
    peaks = []
    for process in server.children(recursive=True):
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    setup_django()
    from jobs.models import Batch, Job
    from jobs.services.batches import batch_dispatch

    key = api_key()
    with tempfile.TemporaryDirectory() as folder:
        upload = Path(folder) / "batch.jsonl"
        invalid = write_lines(upload, args.lines)
        size = upload.stat().st_size
        with processes(gunicorn(args.port)) as started:
            base = f"http://127.0.0.1:{args.port}"
            wait_http(f"{base}/api/v1/health")
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/jsonl"}
            with httpx.Client(timeout=600) as client:  # warm both workers (imports, template caches)
                for _ in range(4):
                    client.post(f"{base}/api/v1/batches", content=b'{"custom_id": "w", "body": {}}\n', headers=headers)
            server = psutil.Process(started[0].pid)
            before = peak_rss_mb(server)
            with upload.open("rb") as body, httpx.Client(timeout=600) as client:
                began = time.perf_counter()
                headers["Content-Length"] = str(size)
                answer = client.post(f"{base}/api/v1/batches", content=body, headers=headers)
                took = time.perf_counter() - began
            after = peak_rss_mb(server)
    batch = answer.json()["data"]
    counts = batch["requestCounts"]
    accepted = Job.objects.filter(batch_id=batch["id"]).count()
    began = time.perf_counter()
    sent = batch_dispatch(batch_id=batch["id"])
    dispatch = time.perf_counter() - began
    print(f"upload: {args.lines} lines, {size / 1e6:.1f} MB, HTTP {answer.status_code}, {took:.2f} s")
    rates = f"{args.lines / took:,.0f} lines/s read, {accepted / took:,.0f} accepted/s"
    print(f"accepted {counts['accepted']} (in the database: {accepted}), refused {counts['invalid']} of {invalid} bad")
    print(f"intake: {rates}")
    print(f"web worker peak RSS: {before:.0f} MB before, {after:.0f} MB after ({after - before:+.0f} MB)")
    print(f"dispatch: {sent} stage messages in {dispatch:.2f} s ({sent / dispatch:,.0f}/s)")
    Batch.objects.filter(id=batch["id"]).update(status="cancelled")
    from beacon.celery import app

    app.control.purge()


if __name__ == "__main__":
    main()
