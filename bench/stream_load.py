"""Open streams and sync waits of one organization against another's submissions.

The `holder` organization opens --streams Server-Sent Events streams and
--sync-waits sync-mode submissions and keeps them all open, while the
`submitter` organization sends POST /api/v1/generations at --rate (open loop,
bench/ack_latency.py's load generator). The same submission load is measured
first with nothing held (unloaded) on the same server, so the figure is a
ratio within one run: the submitter's ack p95 loaded / unloaded (target:
within 2x, 0 errors). No worker runs, so nothing held ends early.

Then, with everything still held, a few more streams and sync waits from the
holder must be refused (429 with Retry-After): the per-organization caps,
which the server gets exactly at --streams and --sync-waits.

    python -m beacon.runtime bench -- .venv/bin/python bench/stream_load.py
    ... bench/stream_load.py --wsgi   # the same against the threaded WSGI server
"""

import argparse
import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from ack_latency import BODY, Run, open_loop, poster
from stack import api_key, gunicorn, percentile, processes, setup_django, wait_http

from beacon.runtime.servers import free_port


@dataclass
class Held:
    """What the holder's connections saw."""

    streams_open: int = 0
    sync_sent: int = 0
    errors: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=lambda: {"streams": [], "sync waits": []})


async def _stream(client: httpx.AsyncClient, url: str, held: Held, stop: asyncio.Event) -> None:
    try:
        async with client.stream("GET", url, headers={"Accept": "text/event-stream"}) as response:
            if response.status_code != 200:
                held.errors.append(f"stream {response.status_code}")
                return
            held.streams_open += 1
            async for _ in response.aiter_raw():
                if stop.is_set():
                    return
            if not stop.is_set():
                held.errors.append("stream ended early")
    except httpx.HTTPError as exc:
        if not stop.is_set():
            held.errors.append(f"stream {type(exc).__name__}")


async def _sync_wait(client: httpx.AsyncClient, url: str, held: Held, stop: asyncio.Event) -> None:
    body = {**BODY, "options": {"mode": "sync", "syncTimeoutSeconds": 120}}
    held.sync_sent += 1
    try:
        response = await client.post(url, json=body)
        if response.status_code not in (200, 202) and not stop.is_set():
            held.errors.append(f"sync wait {response.status_code}")
    except httpx.HTTPError as exc:
        if not stop.is_set():
            held.errors.append(f"sync wait {type(exc).__name__}")


async def _refused(client: httpx.AsyncClient, base: str, job_ids: list[str], held: Held) -> None:
    for job_id in job_ids:
        response = await client.get(f"{base}/{job_id}/stream", headers={"Accept": "text/event-stream"})
        held.refused["streams"].append(f"{response.status_code} Retry-After={response.headers.get('Retry-After')}")
    for _ in job_ids:
        body = {**BODY, "options": {"mode": "sync", "syncTimeoutSeconds": 5}}
        response = await client.post(base, json=body)
        held.refused["sync waits"].append(f"{response.status_code} Retry-After={response.headers.get('Retry-After')}")


class Holder(threading.Thread):
    """The holder's connections, on their own event loop in this process."""

    def __init__(self, base: str, key: str, job_ids: list[str], sync_waits: int, extra: list[str]) -> None:
        super().__init__(daemon=True)
        self.base, self.key, self.job_ids, self.sync_waits, self.extra = base, key, job_ids, sync_waits, extra
        self.held = Held()
        self.ready = threading.Event()
        self.check = threading.Event()
        self.checked = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()

    def run(self) -> None:
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
        headers = {"Authorization": f"Bearer {self.key}"}
        async with httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(10, read=None), limits=limits) as client:
            tasks = [asyncio.create_task(_stream(client, f"{self.base}/{j}/stream", self.held, self.stop))
                     for j in self.job_ids]  # fmt: skip
            tasks += [asyncio.create_task(_sync_wait(client, self.base, self.held, self.stop))
                      for _ in range(self.sync_waits)]  # fmt: skip
            deadline = time.monotonic() + 60
            while self.held.streams_open + len(self.held.errors) < len(self.job_ids) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            await asyncio.sleep(2)  # the sync waits' submissions are accepted and waiting
            self.ready.set()
            while not self.check.is_set():
                await asyncio.sleep(0.1)
            async with httpx.AsyncClient(headers=headers, timeout=10) as other:
                await _refused(other, self.base, self.extra, self.held)
            self.checked.set()
            self.stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def tolerant(post: Callable[[float], tuple[float, int, float]]) -> Callable[[float], tuple[float, int, float]]:
    """A submission that times out counts as an error at its full wait, instead of ending the run."""

    def send(due: float) -> tuple[float, int, float]:
        try:
            return post(due)
        except httpx.HTTPError:
            end = time.perf_counter()
            return (end - due) * 1000, 0, end

    return send


def database_connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def summary(name: str, run: Run) -> str:
    return (
        f"  {name:9s} achieved {run.achieved:5.1f}/s  p50 {run.p50:6.1f} ms  p95 {run.p95:6.1f} ms  "
        f"p99 {percentile(run.latencies, 99):6.1f} ms  errors {run.errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--sync-waits", type=int, default=50)
    parser.add_argument("--rate", type=float, default=50.0, help="the submitter's requests per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--extra", type=int, default=5, help="streams and sync waits past the caps")
    parser.add_argument("--wsgi", action="store_true", help="serve with the threaded WSGI server (2 x 4 threads)")
    args = parser.parse_args()

    setup_django()
    holder_key, submitter_key = api_key(organization="bench-holder"), api_key(organization="bench-submitter")
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1/generations"
    env = {
        "BEACON_MAX_STREAMS_PER_ORGANIZATION": str(args.streams),
        "BEACON_MAX_SYNC_WAITS_PER_ORGANIZATION": str(args.sync_waits),
        "BEACON_STREAM_MAX_SECONDS": "900",
    }
    with processes(gunicorn(port, app="beacon.wsgi" if args.wsgi else "beacon.asgi"), **env):
        wait_http(f"http://127.0.0.1:{port}/api/v1/health")
        with httpx.Client(headers={"Authorization": f"Bearer {holder_key}"}, timeout=10) as client:
            job_ids = [client.post(base, json=BODY).json()["data"]["id"] for _ in range(args.streams + args.extra)]
        post = tolerant(poster(base, {"Authorization": f"Bearer {submitter_key}"}))
        connections_idle = database_connections()
        unloaded = open_loop(post, rate=args.rate, seconds=args.seconds, warmup=50)

        holder = Holder(base, holder_key, job_ids[: args.streams], args.sync_waits, job_ids[args.streams :])
        holder.start()
        holder.ready.wait(90)
        connections_held = database_connections()
        loaded = open_loop(post, rate=args.rate, seconds=args.seconds, warmup=0)
        still_open = holder.held.streams_open
        holder.check.set()
        holder.checked.wait(60)
        holder.join(30)
    held = holder.held
    server = "WSGI, gthread 2 x 4" if args.wsgi else "ASGI"
    print(f"stream load ({server}): {args.streams} streams + {args.sync_waits} sync waits held by one organization; "
          f"another submits at {args.rate:.0f}/s for {args.seconds:.0f} s")  # fmt: skip
    print(summary("unloaded", unloaded))
    print(summary("loaded", loaded))
    print(f"  p95 loaded / unloaded: x{loaded.p95 / unloaded.p95:.2f}   (target within 2x, 0 errors)")
    errors = dict(Counter(held.errors)) or 0
    print(f"  held: {still_open} streams open, {held.sync_sent} sync waits sent; errors: {errors}")
    print(f"  database connections: {connections_idle} idle, {connections_held} with everything held")
    for kind, answers in held.refused.items():
        print(f"  past the cap, {len(answers)} more {kind}: {sorted(set(answers))}")


if __name__ == "__main__":
    main()
