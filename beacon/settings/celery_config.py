"""Celery's settings: the broker, acknowledgement and time limits (each line
says which failure it prevents), the queues, and beat's schedule."""

from typing import Any

from kombu import Exchange, Queue

from beacon.settings.environment import REDIS_URL, env
from common.queues import broker_is_amqp, queue_for, with_high_queues

# Every line here was learnt from an incident somewhere; the comment says which.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None  # Results live in PostgreSQL; the broker only carries job ids.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a worker that dies mid-stage leaves the
# message to be delivered again instead of losing it (at-least-once).
CELERY_TASK_ACKS_LATE = True
# ...and a worker killed by the OOM killer or SIGKILL counts as "not done".
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: a model call can take a minute, and
# prefetched messages would wait behind it while other workers sit idle.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# JSON only: pickle from a broker is remote code execution.
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
# Redis re-delivers an unacknowledged message after this many seconds. It must
# exceed the longest stage (hard limit below), or a slow model call would be
# handed to a second worker while the first is still on it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# Time limits for every task; stages with model calls set longer ones of their own.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=30)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=45)
# Workers keep running when the broker blips, and retry connecting on start.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING above (JSON, PII filter) instead of Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_CREATE_MISSING_QUEUES = True
# Task events feed Flower. They cost about 15% of pipeline throughput, so they
# are off until a monitor asks: Flower turns them on in running workers with
# its `enable_events` control command (its default), and off means no cost
# when nobody watches. Set these to true to have them from the start.
CELERY_WORKER_SEND_TASK_EVENTS = env.bool("CELERY_WORKER_SEND_TASK_EVENTS", default=False)
CELERY_TASK_SEND_SENT_EVENT = env.bool("CELERY_TASK_SEND_SENT_EVENT", default=False)
# Celery's Django fix-up closes the database connection before and after
# every task unless this is set: a fresh PostgreSQL backend per stage, which
# cost a quarter of a worker's time (connect, close, cold catalog caches).
# With it, a worker process keeps its connection and recycles it every this
# many tasks; beacon/celery.py closes one that broke or outlived
# CONN_MAX_AGE before each task, as Django does before each request.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TIMEZONE = "UTC"

# Queues: `default` for short database-bound stages, `llm` for calls to model
# servers over HTTP, `gpu` for the vLLM deployment's calls, `webhooks` for
# delivery to producers (a slow receiver must never hold up the pipeline).
BEACON_QUEUES = ("default", "llm", "gpu", "webhooks")

# RabbitMQ, the second broker (CELERY_BROKER_URL=amqp://...). Redis stays the
# cache, rate limiter and notification channel either way.
BEACON_RABBITMQ_DELIVERY_LIMIT = env.int("BEACON_RABBITMQ_DELIVERY_LIMIT", default=5)
BEACON_RABBITMQ_DEAD_LETTER = "beacon.dead-letter"


def rabbitmq_settings(queues: tuple[str, ...], delivery_limit: int) -> dict[str, Any]:
    """The CELERY_* settings RabbitMQ needs on top of those above."""
    arguments = {
        # Quorum queues: replicated on a cluster, and they count deliveries,
        # so a message that kills its worker every time (a poison message) is
        # dead-lettered after `delivery_limit` deliveries instead of looping
        # forever. The job is not lost with it: its row still says the stage
        # is due, and the sweeper's capped recoveries finish it or fail it
        # with a record.
        "x-queue-type": "quorum",
        "x-delivery-limit": delivery_limit,
        "x-dead-letter-exchange": BEACON_RABBITMQ_DEAD_LETTER,
    }
    return {
        # Topic exchanges, one per queue: Celery's native delayed delivery
        # (countdown and eta, which webhook retries use), the only kind that
        # works with quorum queues, binds to topic exchanges alone.
        "CELERY_TASK_QUEUES": tuple(
            Queue(name, Exchange(name, type="topic"), routing_key=name, queue_arguments=arguments)
            for name in with_high_queues(queues)
        ),
        "CELERY_TASK_DEFAULT_QUEUE_TYPE": "quorum",
        # A publish returns once the broker holds the message (publisher
        # confirms): the stage message of an acknowledged job is not lost to
        # a broker restart between the commit and the send.
        "CELERY_BROKER_TRANSPORT_OPTIONS": {"confirm_publish": True},
        # Quorum queues have no global QoS: Celery notices them and gives
        # each consumer its own prefetch (CELERY_WORKER_PREFETCH_MULTIPLIER).
        "CELERY_WORKER_DETECT_QUORUM_QUEUES": True,
    }
    # RabbitMQ closes a channel whose delivery stays unacknowledged past its
    # consumer_timeout (30 minutes by default); the longest stage (the
    # generate stage's hard limit, BEACON_GENERATE_TIME_LIMIT) stays far under.


if broker_is_amqp(CELERY_BROKER_URL):
    globals().update(rabbitmq_settings(BEACON_QUEUES, BEACON_RABBITMQ_DELIVERY_LIMIT))

# The safety nets go through the high-priority queue: behind a backlog of
# stage messages on `default`, a sweep or a lease takeover would otherwise
# wait for the backlog it is meant to rescue (found by bench/chaos_hosts.py).
RECOVERY_QUEUE = queue_for("default", "high")

CELERY_BEAT_SCHEDULE = {
    "sweep-unstarted-stages": {
        "task": "jobs.sweep_unstarted",
        "schedule": env.float("BEACON_SWEEP_INTERVAL_SECONDS", default=30.0),
        "options": {"queue": RECOVERY_QUEUE},
    },
    "reap-expired-leases": {
        "task": "jobs.reap_expired",
        "schedule": env.float("BEACON_REAP_INTERVAL_SECONDS", default=15.0),
        "options": {"queue": RECOVERY_QUEUE},
    },
    # Batches whose jobs all ended (their one webhook), and batches past their window.
    "settle-batches": {
        "task": "jobs.batches_settle",
        "schedule": env.float("BEACON_BATCH_SETTLE_INTERVAL_SECONDS", default=10.0),
        "options": {"queue": RECOVERY_QUEUE},
    },
    # Deferrable calls collected into provider batches, and batches polled
    # until they end (llm/provider_batches.py); idle when no deployment has a batch API.
    "submit-provider-batches": {
        "task": "llm.provider_batches_submit",
        "schedule": env.float("LLM_PROVIDER_BATCH_SUBMIT_INTERVAL_SECONDS", default=30.0),
    },
    "poll-provider-batches": {
        "task": "llm.provider_batches_poll",
        "schedule": env.float("LLM_PROVIDER_BATCH_POLL_INTERVAL_SECONDS", default=30.0),
    },
    "purge-idempotency-keys": {
        "task": "jobs.purge_idempotency_keys",
        "schedule": 3600.0,
    },
    "purge-raw-payloads": {
        "task": "jobs.purge_payloads",
        "schedule": 3600.0,
    },
    "purge-webhook-payloads": {
        "task": "jobs.purge_webhook_payloads",
        "schedule": 3600.0,
    },
    "purge-results": {
        "task": "jobs.purge_results",
        "schedule": 3600.0,
    },
    # Ended jobs past BEACON_WARM_AFTER_DAYS move to object storage (jobs/services/tiers.py).
    "move-jobs-warm": {
        "task": "jobs.tiers_move_warm",
        "schedule": 3600.0,
    },
    # Warm jobs past BEACON_COLD_AFTER_DAYS join their month's cold archive (jobs/services/cold_tier.py).
    "move-jobs-cold": {
        "task": "jobs.tiers_move_cold",
        "schedule": 86400.0,
    },
    # What stayed in the trash past BEACON_TRASH_GRACE_DAYS (jobs/services/trash.py).
    "purge-trash": {
        "task": "jobs.trash_purge",
        "schedule": 3600.0,
    },
    # Only jobs whose retention policy ends their events or ledger rows.
    "purge-events": {
        "task": "jobs.purge_events",
        "schedule": 3600.0,
    },
    "purge-model-calls": {
        "task": "jobs.purge_model_calls",
        "schedule": 3600.0,
    },
    # Live metrics per template version against their thresholds; may roll back.
    "evaluation-monitors": {
        "task": "evals.run_monitors",
        "schedule": env.float("BEACON_MONITOR_INTERVAL_SECONDS", default=300.0),
    },
    "evaluation-judge-sample": {
        "task": "evals.judge_sample",
        "schedule": 600.0,
    },
    # Webhook attempts that are due (the retry schedule lives in the database)
    # and attempts whose worker died.
    "dispatch-due-webhooks": {
        "task": "jobs.webhooks_dispatch_due",
        "schedule": env.float("BEACON_WEBHOOK_DISPATCH_INTERVAL_SECONDS", default=15.0),
        "options": {"queue": RECOVERY_QUEUE},
    },
    # A review task never waits silently: overdue ones are escalated.
    "escalate-overdue-reviews": {
        "task": "review.escalate_overdue",
        "schedule": 60.0,
    },
    # Audit rows are inserted unchained (no lock on the request path); this
    # chains them. Rows younger than the interval may show as pending.
    "audit-chain": {
        "task": "tenants.audit_chain",
        "schedule": env.float("BEACON_AUDIT_CHAIN_INTERVAL_SECONDS", default=5.0),
    },
    "audit-purge": {
        "task": "tenants.audit_purge",
        "schedule": 3600.0,
    },
}
