"""A real Beacon for the client's tests.

The tests share one stack (it takes about 20 s to boot on two cores): the web
tier as production runs it (gunicorn supervising a uvicorn worker,
beacon/asgi.py) and a real Celery worker, both on the test database and
Redis with the environment a worker gets from `worker_env`, on the scripted
model (llm/scripted.py). A test that needs another model swaps the worker
for the time it runs. The client talks to it over HTTP, as a producer does.
"""

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from beacon_client import AsyncBeacon, Beacon
from beacon_client.cli import app
from django.conf import settings
from typer.testing import CliRunner, Result

from beacon.celery import app as celery_app
from beacon.runtime.servers import free_port
from beacon.testing import TERMINAL, wait_for
from conftest import BASE_DIR, OUTPUT_DIR, WorkerProcess, worker_env
from jobs.models import Job
from tenants.models import Role

# Tests see the machine as a fresh one does (the root conftest's rule), in
# the processes they start too.
NO_SHOPIFY_DATA = str(BASE_DIR / "no-shopify-data-in-tests")


@dataclass
class LiveBeacon:
    url: str
    server: "subprocess.Popen[bytes]"
    worker: WorkerProcess
    server_log: Path

    def server_log_tail(self) -> str:
        return self.server_log.read_bytes()[-4000:].decode(errors="replace")

    @contextmanager
    def worker_with(self, **overrides: str) -> Iterator[WorkerProcess]:
        """Another worker (another model) in place of the stack's, then the stack's again."""
        usual = self.worker.env
        self.worker.stop()
        self.worker = WorkerProcess(env={**usual, **overrides})
        try:
            self.worker.start()
            yield self.worker
        finally:
            self.worker.stop()
            self.worker = WorkerProcess(env=usual)
            self.worker.start()


def _wait_healthy(url: str, server: "subprocess.Popen[bytes]", log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the web server exited:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the web server did not answer in {timeout}s:\n{log.read_text(errors='replace')[-4000:]}")


@contextmanager
def live_beacon(**overrides: str) -> Iterator[LiveBeacon]:
    """Start the web server and a worker (together: both take seconds to boot)."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    OUTPUT_DIR.mkdir(exist_ok=True)
    env = worker_env(BEACON_SHOPIFY_TAXONOMY_DIR=NO_SHOPIFY_DATA, **overrides)
    port = free_port()
    log = OUTPUT_DIR / f"client-web-{time.monotonic_ns()}.log"
    with log.open("wb") as output:
        gunicorn = ["-m", "gunicorn", "beacon.asgi", "-w", "1", "-k", "uvicorn_worker.UvicornWorker"]
        server = subprocess.Popen(
            [sys.executable, *gunicorn, "-b", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(env=env)
    stack = None
    try:
        worker.start()
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, server, log)
        stack = LiveBeacon(url=url, server=server, worker=worker, server_log=log)
        yield stack
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        stack_worker = stack.worker if stack is not None else worker
        stack_worker.stop()
        celery_app.control.purge()  # what the server published and no worker took


@pytest.fixture(scope="package")
def live(django_db_setup: Any) -> Iterator[LiveBeacon]:
    """One stack for the client's tests, on the scripted model."""
    with live_beacon(LLM_PROVIDER="scripted") as stack:
        yield stack


@pytest.fixture(scope="module")
def batch_settling(live: LiveBeacon, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Celery beat beside the stack's worker, as production runs it (its own
    process, deploy/kubernetes/base/beat.yaml): a batch ends only when beat's
    `batches_settle` finds its jobs all ended. Every second here, not every 10 s."""
    log = OUTPUT_DIR / f"client-beat-{time.monotonic_ns()}.log"
    schedule = tmp_path_factory.mktemp("beat") / "celerybeat-schedule"
    with log.open("wb") as output:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "beacon", "beat", "-s", str(schedule), "-l", "INFO"],
            cwd=BASE_DIR,
            env={**live.worker.env, "BEACON_BATCH_SETTLE_INTERVAL_SECONDS": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield
    finally:
        beat.terminate()
        try:
            beat.wait(15)
        except subprocess.TimeoutExpired:
            beat.kill()
            beat.wait(5)


@pytest.fixture(autouse=True)
def flush_retried_on_deadlock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beat's `batches_settle` runs every second beside these tests, in the
    worker; its reads can hold a share lock that the end-of-test flush's
    TRUNCATE waits for while the worker waits for one the TRUNCATE took.
    PostgreSQL breaks such a deadlock by aborting one side (seen once in CI,
    aborting the flush and leaving the next test another test's batches);
    the flush then simply runs again."""
    from django.db import OperationalError, connection

    flush = connection.ops.execute_sql_flush

    def execute_sql_flush(sql_list: list[str]) -> None:
        for attempt in range(3):
            try:
                flush(sql_list)
                return
            except OperationalError as error:
                if "deadlock detected" not in str(error) or attempt == 2:
                    raise

    monkeypatch.setattr(connection.ops, "execute_sql_flush", execute_sql_flush)


@pytest.fixture
def make_key(org_factory: Callable[..., Any], transactional_db: Any) -> Iterator[Callable[..., str]]:
    """An API key of a fresh organization; the data is committed, so the
    server and the worker see it. After the test, its jobs are let finish
    before the tables are emptied: a job still running could otherwise take
    the next test's scripted model answer."""

    def make(slug: str = "acme", role: str = Role.EDITOR) -> str:
        _, key = org_factory(slug, role)
        return key

    yield make
    running = Job.objects.exclude(status__in=[*TERMINAL, "reviewing"])
    wait_for(lambda: not running.exists(), 60, message="the test's jobs to finish")


@pytest.fixture
def beacon(live: LiveBeacon, make_key: Callable[..., str], scripted: Any) -> Iterator[Beacon]:
    """The sync client with an editor key of organization `acme`."""
    with Beacon(make_key(), base_url=live.url) as client:
        yield client


@pytest.fixture
def async_beacon(live: LiveBeacon, make_key: Callable[..., str], scripted: Any) -> AsyncBeacon:
    """The async client (open it with `async with` in the test's own loop)."""
    return AsyncBeacon(make_key(), base_url=live.url)


@dataclass
class BeaconCommand:
    """`beacon ...` in-process, with an environment of its own."""

    env: dict[str, str]
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, **env: str) -> Result:
        return self.runner.invoke(app, list(args), env={**self.env, **env})


@pytest.fixture
def beacon_cli(live: LiveBeacon, make_key: Callable[..., str], scripted: Any, tmp_path: Path) -> BeaconCommand:
    """The live server's URL and an editor key in the environment, a config
    file of its own, and a wide terminal (tables keep ids on one line)."""
    config = str(tmp_path / "config.toml")
    return BeaconCommand(
        {"BEACON_URL": live.url, "BEACON_API_KEY": make_key(), "BEACON_CONFIG": config, "COLUMNS": "200"}
    )


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]


@dataclass
class WebhookReceiver:
    """A webhook receiver on loopback that keeps what it was sent."""

    received: list[Received] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> "WebhookReceiver":
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received.append(Received(self.rfile.read(length), dict(self.headers.items())))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/beacon"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver
