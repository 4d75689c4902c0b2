"""The Celery application. Its configuration lives in settings (CELERY_*)."""

import os
from typing import Any

from celery import Celery
from celery.signals import celeryd_after_setup, task_prerun, worker_init, worker_process_init
from django.conf import settings
from kombu import Exchange, Queue

from common.queues import HIGH_SUFFIX, broker_is_amqp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")

app = Celery("beacon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Correlation ids ride in task headers; importing the module connects its signals.
import common.correlation  # noqa: E402,F401


@celeryd_after_setup.connect
def _consume_high_priority_siblings(sender: str, instance: Any, **_: object) -> None:
    """A worker started for `default` also consumes `default.high`
    (common/queues.py): every worker command, here and in deploy/, names the
    queues alone and still serves high-priority work first."""
    queues = instance.app.amqp.queues
    for name in list(queues.consume_from or queues):
        high = f"{name}{HIGH_SUFFIX}"
        if not name.endswith(HIGH_SUFFIX):
            # The declared queue when there is one (RabbitMQ: its exchange
            # and arguments); by name, Celery would make a plain one.
            queues.select_add(queues.get(high, high))


def dead_letter_queue_declare(app_: Celery) -> None:
    """On RabbitMQ, where a poison message goes after its delivery limit
    (beacon/settings/celery_config.py): a queue nobody consumes, kept for
    inspection; Celery declares only the queues it consumes or sends to."""
    name = settings.BEACON_RABBITMQ_DEAD_LETTER
    queue = Queue(name, Exchange(name, type="fanout"), queue_arguments={"x-queue-type": "quorum"})
    with app_.connection_for_write() as connection:
        queue.bind(connection.default_channel).declare()


@celeryd_after_setup.connect
def _declare_dead_letter_queue(sender: str, instance: Any, **_: object) -> None:
    if broker_is_amqp(instance.app.conf.broker_url):
        dead_letter_queue_declare(instance.app)


@worker_init.connect
def _preload_model_client(**_: object) -> None:
    """Import LiteLLM once in the worker's parent process: it takes seconds,
    and forked pool processes then share it instead of each paying at their
    first model call (inside a stage's time limit). The same for the PII
    analyzer (Presidio, spaCy), the injection classifier (trained on load) and
    the language identifier used by validation, and the Shopify taxonomy's
    category index that extraction ranks products against (read from YAML)
    with the attribute lexicons: seconds, which each pool process otherwise
    paid inside its first jobs' assemble stage."""
    import litellm  # noqa: F401

    from prompts.taxonomy_index import shopify_category_attributes, shopify_index
    from safety.classifier import model
    from safety.pii import analyzer, anonymizer
    from validation.lexicons import lexicons_preload
    from validation.quality import _identifier

    analyzer()
    anonymizer()
    model()
    _identifier()
    shopify_index()
    lexicons_preload({name for names in shopify_category_attributes().values() for name in names})


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


@task_prerun.connect
def _database_connection_checked(task: Any = None, **_: object) -> None:
    """The worker's connection is kept between tasks (CELERY_DB_REUSE_MAX);
    before each one, drop it if it broke or outlived CONN_MAX_AGE, as Django
    does at the start of each request, so a database restart costs one
    reconnect rather than failed stages. Not for a task run eagerly, inside
    its caller's process and maybe its transaction."""
    from django.db import connections

    if task is not None and getattr(task.request, "is_eager", False):
        return
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
