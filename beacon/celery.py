"""The Celery application. Its configuration lives in settings (CELERY_*)."""

import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")

app = Celery("beacon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Correlation ids ride in task headers; importing the module connects its signals.
import common.correlation  # noqa: E402,F401


@worker_init.connect
def _preload_model_client(**_: object) -> None:
    """Import LiteLLM once in the worker's parent process: it takes seconds,
    and forked pool processes then share it instead of each paying at their
    first model call (inside a stage's time limit). The same for the PII
    analyzer (Presidio, spaCy), the injection classifier (trained on load) and
    the language identifier used by validation."""
    import litellm  # noqa: F401

    from safety.classifier import model
    from safety.pii import analyzer, anonymizer
    from validation.quality import _identifier

    analyzer()
    anonymizer()
    model()
    _identifier()


@worker_process_init.connect
def _trace_tasks(**_: object) -> None:
    """OpenTelemetry in each forked worker process, when configured (beacon/tracing.py)."""
    from beacon.tracing import tracing_setup

    tracing_setup("beacon-worker")


@worker_process_init.connect
def _stage_commits_without_waiting_for_disk(**_: object) -> None:
    """Stage transactions in workers commit without waiting for the WAL flush.

    Safe by construction: a stage is idempotent and due-checked, so if the
    server crashes and loses its last few hundred milliseconds of stage
    commits, the job is simply back at an earlier stage, and the sweeper
    publishes that stage again. The web tier keeps synchronous commits: an
    acknowledged job is on disk before its 202 leaves.
    """
    from django.conf import settings
    from django.db import connections

    if not settings.BEACON_WORKER_ASYNC_COMMIT:
        return
    connection = connections["default"]
    connection.close()
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
