"""Acknowledgement latency while the real local model is busy, on the stack
`make run` starts (embedded PostgreSQL and Redis unless DATABASE_URL /
REDIS_URL are set, the llama.cpp model server, workers, beat, Flower, web).

    .venv/bin/python bench/ack_under_model.py [--seconds 60] [--concurrency 4] [--backlog 6] [--rate 20]

A feeder keeps `--backlog` enrichment jobs with distinct content waiting, so
the model server works the whole time; meanwhile `--concurrency` clients
submit jobs back to back (a closed loop: each waits for its answer, then
sends the next) and time each 202. With `--rate N` the clients instead send
N submissions a second between them on a fixed schedule (an open loop, as
independent producers do), each timed from its scheduled start. Prints p50, p95 and p99 of the
acknowledgements, how many jobs the model finished meanwhile, and the
model's share of the CPU, so a figure taken with an idle model is visible.
"""

import argparse
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from beacon.runtime.servers import free_port  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def body(n: int) -> dict[str, object]:
    content = f"Blue cotton shirt by Acme, size M, style {n}. Machine washable."
    return {"templateId": "metadata_enrichment", "parameters": {"content": content, "locale": "en-US"}}


def start_stack(port: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m beacon.runtime run` (what `make run` runs), its output in
    `log`; returns once it has printed the demo API key."""
    # Rate limits off: the clients submit far more than a standard tier's
    # 100 a minute, and a 429 is not the acknowledgement being measured.
    # Its own runtime folder: the thousands of jobs it submits must not land
    # in the developer's `make run` data (.beacon/). Emptied first: the jobs
    # an earlier run accepted would still be queued in front of the feeder's,
    # and the model would not finish one of them for a long time.
    runtime_dir = BASE_DIR / ".beacon" / "bench-ack"
    shutil.rmtree(runtime_dir, ignore_errors=True)
    env = {
        **os.environ,
        "PORT": str(port),
        "FLOWER_PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
        "BEACON_RATE_LIMITS": "false",
        "BEACON_RUNTIME_DIR": str(runtime_dir),
    }
    log.parent.mkdir(parents=True, exist_ok=True)  # absent on a fresh clone
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "beacon.runtime", "run"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        found = re.search(r"Demo API key (\S+)", log.read_text(errors="replace"))
        if found:
            return process, found.group(1)
        if process.poll() is not None:
            raise SystemExit(f"the stack exited; see {log}")
        time.sleep(1)
    raise SystemExit(f"no demo API key in 600 s; see {log}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--backlog", type=int, default=6)
    parser.add_argument("--rate", type=float, default=0.0, help="submissions a second, open loop (0: closed loop)")
    parser.add_argument("--log", default=str(BASE_DIR / "test-output" / "ack_under_model.log"))
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process, key = start_stack(port, Path(args.log))
    headers = {"Authorization": f"Bearer {key}"}
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        counter = itertools.count()
        stop = threading.Event()
        waiting: list[str] = []
        finished = [0]

        def feeder() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                while not stop.is_set():
                    for job_id in list(waiting):
                        status = client.get(f"/api/v1/generations/{job_id}").json()["data"]["status"]
                        if status in ("completed", "failed", "reviewing", "rejected", "cancelled"):
                            waiting.remove(job_id)
                            finished[0] += 1
                    while len(waiting) < args.backlog:
                        waiting.append(
                            client.post("/api/v1/generations", json=body(next(counter))).json()["data"]["id"]
                        )
                    time.sleep(1)

        threading.Thread(target=feeder, daemon=True).start()
        # The model is up and busy before anything is measured.
        deadline = time.monotonic() + 600
        while finished[0] == 0 and time.monotonic() < deadline:
            time.sleep(1)
        latencies: list[float] = []
        errors = [0]
        end = time.monotonic() + args.seconds

        begin = time.perf_counter()
        slots = itertools.count()

        def client_loop() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                while time.monotonic() < end:
                    started = time.perf_counter()
                    if args.rate:
                        # Open loop: the next free slot of the schedule; a late
                        # client's wait counts, as a producer's would.
                        started = begin + next(slots) / args.rate
                        time.sleep(max(0.0, started - time.perf_counter()))
                    response = client.post("/api/v1/generations", json=body(next(counter)))
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code == 202:
                        latencies.append(elapsed)
                    else:
                        errors[0] += 1

        cpu_before = _model_cpu()
        threads = [threading.Thread(target=client_loop) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        model_share = (_model_cpu() - cpu_before) / args.seconds
        stop.set()
        loop = f"open loop at {args.rate:g}/s" if args.rate else "closed loop"
        print(
            f"acknowledgements under a busy model, {loop}, concurrency {args.concurrency}, {args.seconds:.0f} s: "
            f"n={len(latencies)} p50={percentile(latencies, 0.5):.1f} ms p95={percentile(latencies, 0.95):.1f} ms "
            f"p99={percentile(latencies, 0.99):.1f} ms errors={errors[0]}; "
            f"model jobs finished meanwhile: {finished[0]}; model server CPU {model_share:.2f} cores"
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)


def _model_cpu() -> float:
    """CPU seconds used so far by the llama.cpp server process(es)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"llm.llama_server" not in stat.read_bytes():
                continue
            fields = (stat.parent / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            continue
    return total


if __name__ == "__main__":
    main()
