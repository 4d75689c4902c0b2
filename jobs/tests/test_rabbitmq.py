"""The pipeline on RabbitMQ, the second broker: quorum queues, publisher
confirms, delayed delivery for webhook retries, a delivery limit for
poison messages, and a high-priority queue beside each queue.

Needs RabbitMQ on 127.0.0.1:5672 (guest/guest) and `rabbitmqctl` to make a
clean virtual host for each run; without them every test here is skipped
with the reason.
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from kombu import Connection

from beacon.celery import app as beacon_app
from beacon.celery import dead_letter_queue_declare
from beacon.settings.celery_config import rabbitmq_settings
from beacon.testing import generation_body, wait_for, wait_terminal
from jobs.models import WebhookDelivery

pytestmark = [pytest.mark.slow]
VHOST = "beacon-test"
URL = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"


def _rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def rabbitmq_url() -> str:
    """A fresh virtual host on the local RabbitMQ, or a skip saying what is missing."""
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
    except OSError:
        pytest.skip("RabbitMQ is not running on 127.0.0.1:5672: the second broker's tests need it")
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl is not on PATH: these tests make a virtual host of their own with it")
    _rabbitmqctl("delete_vhost", VHOST)
    made = _rabbitmqctl("add_vhost", VHOST)
    if made.returncode != 0:
        pytest.skip(f"rabbitmqctl add_vhost failed (run as root or the rabbitmq user): {made.stderr.strip()[:200]}")
    _rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
    return URL


@pytest.fixture
def rabbitmq(rabbitmq_url: str, start_worker: Any) -> Iterator[Celery]:
    """This process publishes to RabbitMQ (as a web process configured for
    it would) while the test runs; workers get the broker through their env."""
    conf = {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_")
    }
    rabbitmq = rabbitmq_settings(tuple(settings.BEACON_QUEUES), settings.BEACON_RABBITMQ_DELIVERY_LIMIT)
    conf.update({name.removeprefix("CELERY_").lower(): value for name, value in rabbitmq.items()})
    conf["broker_url"] = rabbitmq_url
    app = Celery("beacon-rabbitmq-test", set_as_current=False)
    app.conf.update(conf)
    app.set_current()
    try:
        yield app
    finally:
        beacon_app.set_current()
        app.close()


def _queues() -> dict[str, str]:
    listed = _rabbitmqctl("list_queues", "-p", VHOST, "name", "type", "--quiet", "--no-table-headers")
    return dict(line.split("\t")[:2] for line in listed.stdout.splitlines() if "\t" in line)


def test_jobs_complete_through_a_worker_on_quorum_queues(api, rabbitmq, start_worker):
    start_worker(LLM_PROVIDER="scripted", CELERY_BROKER_URL=rabbitmq.conf.broker_url)
    normal = api.post("/api/v1/generations", generation_body("metadata_enrichment"), format="json").json()
    body = {**generation_body("taxonomy_tagging"), "options": {"priority": "high"}}
    high = api.post("/api/v1/generations", body, format="json").json()
    for job in (normal, high):
        assert wait_terminal(job["data"]["id"], timeout=90) == "completed"
    queues = _queues()
    assert queues["default"] == queues["default.high"] == queues["llm"] == "quorum"
    assert queues["beacon.dead-letter"] == "quorum"


def _get(bound: Any) -> Any:
    """The next message of the queue, waiting up to 2 s; None when none came."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        message = bound.get(no_ack=False)
        if message is not None:
            return message
        time.sleep(0.05)
    return None


def test_a_poison_message_is_dead_lettered_after_the_delivery_limit(rabbitmq):
    dead_letter_queue_declare(rabbitmq)  # as every worker does when it starts
    limit = settings.BEACON_RABBITMQ_DELIVERY_LIMIT
    queue = next(q for q in rabbitmq.conf.task_queues if q.name == "webhooks")
    with Connection(rabbitmq.conf.broker_url) as connection:
        channel: Any = connection.channel()
        bound = queue.bind(channel)
        bound.declare()
        bound.purge()
        producer = connection.Producer(channel)
        producer.publish({"poison": True}, exchange=queue.exchange, routing_key=queue.routing_key, declare=[queue])
        deliveries = 0
        for _ in range(limit + 3):  # each get-and-requeue is one delivery, as a worker dying mid-task is
            # A quorum queue takes a moment to hand back a message it was
            # just given (a Raft commit), so each get waits a little.
            message = _get(bound)
            if message is None:
                break
            deliveries += 1
            message.requeue()
        assert deliveries == limit + 1
        # Dead-lettering happens on the broker, just after the last return.
        wait_for(
            lambda: channel.queue_declare(settings.BEACON_RABBITMQ_DEAD_LETTER, passive=True).message_count,
            10,
            message="the poison message in the dead-letter queue",
        )


def test_a_webhook_retry_waits_on_the_broker_and_is_delivered_once(api, rabbitmq, start_worker, receiver):
    url, handler = receiver
    handler.statuses = [500, 200]
    start_worker(LLM_PROVIDER="scripted", CELERY_BROKER_URL=rabbitmq.conf.broker_url)
    body = {**generation_body(), "options": {"webhookUrl": url}}
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    assert wait_terminal(job_id, timeout=90) == "completed"
    # The retry is a countdown message: on quorum queues it waits in Celery's
    # delayed-delivery queues on the broker, not in a worker's memory.
    delivered = wait_for(
        lambda: WebhookDelivery.objects.filter(job_id=job_id, status="delivered").first(),
        60,
        message="the webhook to be delivered",
    )
    assert delivered.attempts == 2 and [e["statusCode"] for e in delivered.log] == [500, 200]
    assert len({headers["webhook-id"] for headers, _ in handler.received}) == 1
