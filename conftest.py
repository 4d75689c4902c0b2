"""Shared fixtures: tenants and keys, API clients, and real processes.

`worker` fixtures start a real Celery worker process (prefork, acks late) on
the same Redis and the test database, so tests see serialization,
acknowledgement and redelivery as production does. `model_server` starts the
real local model (llama.cpp serving SmolLM2) on a free port.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient

from beacon.runtime.servers import free_port
from beacon.testing import client_for
from tenants.models import Organization, RateTier, Role
from tenants.services import api_key_create, organization_ensure, project_ensure

BASE_DIR = Path(__file__).resolve().parent
# Logs of the processes tests start; kept for reading after a failure.
OUTPUT_DIR = BASE_DIR / "test-output"


def _shopify_caches_clear() -> None:
    from prompts import taxonomy, taxonomy_index
    from validation import lexicons

    for cached in (lexicons.shopify_values, lexicons.lexicon, taxonomy_index.shopify_paths,
                   taxonomy_index.shopify_category_attributes, taxonomy_index.shopify_index,
                   taxonomy.builtin_index, taxonomy._index):  # fmt: skip
        cached.cache_clear()


@pytest.fixture(autouse=True)
def _shopify_data_only_where_marked(request: pytest.FixtureRequest, settings: Any) -> Iterator[None]:
    """Tests see the machine as a fresh one does, without ../shared/data,
    unless marked `shopify_data`: what a test proves must not depend on
    whether the data happens to be beside the checkout."""
    if request.node.get_closest_marker("shopify_data") is None:
        settings.BEACON_SHOPIFY_TAXONOMY_DIR = BASE_DIR / "no-shopify-data-in-tests"
    _shopify_caches_clear()
    yield
    _shopify_caches_clear()


@pytest.fixture(autouse=True)
def _prompt_templates(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table after they run, seed data
    included; put the task kinds' templates, the output schemas and the
    Reviewers group back before each one."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
        from prompts.seed import seed_task_kind_templates
        from prompts.task_kinds import task_kinds
        from review.roles import reviewers_group_ensure
        from validation.seed import seed_output_schemas

        seed_output_schemas(task_kinds().values())
        seed_task_kind_templates()
        reviewers_group_ensure()
        _seeded_versions_pin()


def _seeded_versions_pin() -> None:
    """As the migration does: seeded versions pin their schema's version."""
    from prompts.models import TemplateVersion
    from validation.registry import schema_reference_pin

    for version in TemplateVersion.objects.filter(output_schema_version__isnull=True).select_related("template"):
        reference = str(version.metadata.get("outputSchema") or version.template.task_kind)
        pin = schema_reference_pin(version.template.organization_id, reference)
        TemplateVersion.objects.filter(pk=version.pk).update(output_schema_version=pin)


@pytest.fixture
def org_factory(db: Any) -> Callable[..., Any]:
    def make(slug: str = "acme", role: str = Role.EDITOR) -> tuple[Any, str]:
        org = organization_ensure(slug=slug)
        # The rate limiter stays on in tests, at the highest tier: some tests
        # submit a few hundred jobs in a second. Its own tests set tiers.
        Organization.objects.filter(id=org.id).update(rate_tier=RateTier.PREMIUM)
        org.refresh_from_db()
        project = project_ensure(organization=org, slug="default")
        issued = api_key_create(organization=org, project=project, role=role)
        return org, issued.raw_key

    return make


@pytest.fixture
def api(org_factory: Callable[..., Any]) -> APIClient:
    """A client authenticated with an editor key of organization `acme`."""
    _, key = org_factory("acme", Role.EDITOR)
    return client_for(key)


@pytest.fixture
def ops() -> Any:
    """A client with the operator token (beacon/ops.py, the test settings' token)."""
    from django.test import Client

    return Client(HTTP_AUTHORIZATION="Bearer test-ops-token")


@pytest.fixture
def scripted(settings: Any) -> Iterator[Any]:
    """In-process scripted model: LiteLLM mock responses, script in Redis."""
    from llm.cache import cache_clear
    from llm.scripted import scripted_responses_clear

    settings.LLM_PROVIDER = "scripted"
    scripted_responses_clear()
    cache_clear()  # an output cached by an earlier test would skip the script
    yield settings
    scripted_responses_clear()


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    host = db.get("OPTIONS", {}).get("host") or db.get("HOST") or ""
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{user}{password}@{host}{port}/{db['NAME']}"


@dataclass
class WorkerProcess:
    """A real `celery worker` (with embedded beat when asked) in its own process group."""

    env: dict[str, str]
    beat: bool = False
    queues: tuple[str, ...] = tuple(settings.BEACON_QUEUES)
    process: "subprocess.Popen[bytes] | None" = None
    log_path: Path = field(default_factory=lambda: OUTPUT_DIR / f"worker-{time.monotonic_ns()}.log")

    def start(self) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "beacon", "worker",
            "-Q", ",".join(self.queues), "-c", "2", "-n", f"test-{time.monotonic_ns()}@%h",
            "--without-mingle", "--without-gossip", "-l", "INFO",
        ]  # fmt: skip
        if self.beat:
            command += ["-B", "-s", str(OUTPUT_DIR / "celerybeat-schedule")]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, env=self.env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_tail()}")
            if b"ready." in self.log_path.read_bytes()[-20000:]:
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready in {timeout}s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log_path.read_bytes()[-4000:].decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its children."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_CONN_MAX_AGE": "0",
        "BEACON_REVIEW_SAMPLING": "false",
        "BEACON_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "BEACON_SHOPIFY_TAXONOMY_DIR": str(settings.BEACON_SHOPIFY_TAXONOMY_DIR),
        **overrides,
    }
    return env


@pytest.fixture
def start_worker(transactional_db: Any) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real workers for one test; all are stopped afterwards."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    started: list[WorkerProcess] = []

    def start(*, beat: bool = False, queues: tuple[str, ...] | None = None, **overrides: str) -> WorkerProcess:
        OUTPUT_DIR.mkdir(exist_ok=True)
        worker = WorkerProcess(env=worker_env(**overrides), beat=beat, queues=queues or tuple(settings.BEACON_QUEUES))
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture(scope="session")
def model_server() -> Iterator[str]:
    """The real local model on a free port; yields its OpenAI base URL."""
    port = free_port()
    OUTPUT_DIR.mkdir(exist_ok=True)
    log = (OUTPUT_DIR / "model-server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "llm_serve", "--port", str(port)],
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("model server exited; see " + log.name)
        try:
            if httpx.get(f"{base}/models", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        raise RuntimeError("model server did not start in 120 s")
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(15)
