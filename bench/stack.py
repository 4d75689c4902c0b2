"""Start the parts of Beacon a benchmark needs, against DATABASE_URL / REDIS_URL.

Run benchmarks through `make bench` (or `python -m beacon.runtime bench --
python bench/NAME.py`), which provides embedded servers when those are unset.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # Stage messages an earlier benchmark left queued would be worked off
    # inside this one's measurement.
    from beacon.celery import app

    app.control.purge()


def api_key(role: str = "editor", organization: str = "bench") -> str:
    from tenants.models import Organization, RateTier
    from tenants.services import api_key_create, organization_ensure, project_ensure

    org = organization_ensure(slug=organization)
    # Benchmarks measure the platform, not the rate limiter: a custom tier far
    # above any rate they send.
    Organization.objects.filter(id=org.id).update(rate_tier=RateTier.CUSTOM, rate_limit_per_minute=1_000_000)
    project = project_ensure(organization=org, slug="default")
    return api_key_create(organization=org, project=project, role=role).raw_key


# The operator token the bench's servers take (beacon/ops.py), for benches
# that read /metrics or the detailed health check.
OPS_TOKEN = os.environ.get("BEACON_OPS_TOKEN") or "bench-ops-token"


def _env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "LLM_PROVIDER": "scripted",
        "LOG_LEVEL": "WARNING",
        "BEACON_OPS_TOKEN": OPS_TOKEN,
        **extra,
    }


@contextmanager
def processes(*commands: list[str], **env: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    started = [
        subprocess.Popen(cmd, cwd=BASE_DIR, env=_env(**env), stdout=subprocess.DEVNULL, start_new_session=True)
        for cmd in commands
    ]
    try:
        yield started
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def celery_worker(concurrency: int = 2, queues: str = "default,llm,gpu,webhooks", app: str = "beacon") -> list[str]:
    # As background work, the way `make run` runs them: on shared cores the
    # web tier's acknowledgements come before stage work.
    return [
        *BACKGROUND,
        sys.executable,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        "-Q",
        queues,
        "-c",
        str(concurrency),
        "-n",
        f"{queues.split(',')[0]}@%h",
        "--without-mingle",
        "--without-gossip",
        "-l",
        "WARNING",
    ]


# Prefix of a command run as background work (SCHED_IDLE and nice 19, as
# `make run` runs workers and the model server; beacon/runtime/background.py).
# BEACON_BACKGROUND_PRIORITY=nice in its environment keeps nice 19 only.
BACKGROUND = [sys.executable, "-m", "beacon.runtime.background"]


def gunicorn(port: int, app: str = "beacon.asgi") -> list[str]:
    """The web tier as make run and the compose file serve it: ASGI (uvicorn
    workers) for Beacon; a threaded WSGI server (2 x 4 threads) for
    beacon.wsgi and the bare WSGI baseline. Idle keep-alive connections stay
    open 75 s (docker/gunicorn.conf.py says why)."""
    asgi = ["-k", "uvicorn_worker.UvicornWorker", "--keep-alive", "75"]
    worker = asgi if app == "beacon.asgi" else ["-k", "gthread", "--threads", "4"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "-b",
        f"127.0.0.1:{port}",
        *worker,
        "-w",
        "2",
        "--log-level",
        "warning",
    ]


def enrichment_submit(
    key: Any, i: int, *, tag: str, options: dict[str, Any] | None = None, priority: str = "normal"
) -> Any:
    """Submit the i-th metadata_enrichment job of a bench through the service
    layer (no HTTP) with `key` (an ApiKey); returns the job."""
    from jobs.services.submission import job_submit
    from prompts.task_kinds import task_kinds

    return job_submit(
        api_key=key,
        kind=task_kinds()["metadata_enrichment"],
        parameters={"content": f"Blue cotton shirt {i} by Acme, size M.", "locale": "en-US"},
        options=options or {},
        priority=priority,
        webhook_url="",
        output_schema=None,
        correlation_id=f"{tag}-{i}",
        idempotency_key=None,
        request_hash="",
    ).job


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout}s")


def percentile(values: list[float], pct: float) -> float:
    """Nearest rank, `pct` in 0-100: the evaluation's definition (evals/run_metrics.py)."""
    from evals.run_metrics import percentile as nearest_rank

    value = nearest_rank(values, pct / 100)
    if value is None:
        raise ValueError("no values")
    return value


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and all its descendants (a Celery
    worker and its pool), less sensitive than wall time to what the
    machine's other tenants do."""
    import psutil

    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in tree:
        try:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def postgres_cpu_seconds() -> dict[int, float]:
    """CPU seconds of each PostgreSQL process on this machine, by pid."""
    import psutil

    found = {}
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] in ("postgres", "postmaster") and process.info["cpu_times"] is not None:
            times = process.info["cpu_times"]
            found[process.pid] = times.user + times.system
    return found
