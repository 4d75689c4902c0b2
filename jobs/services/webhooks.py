"""Webhook delivery: Standard Webhooks messages, a retry schedule over about
three days, a delivery log, re-delivery and secret rotation.

When a job ends, its deliver stage writes one WebhookDelivery per
destination (the job's own `webhookUrl`, signed with the project's secret,
and each enabled endpoint of the project subscribed to the event, signed
with the endpoint's) and the job is done: retries no longer hold it. Each
delivery is then attempted by its own task on the `webhooks` queue:

- the attempt is claimed with a conditional update (pending and due ->
  sending, with a lease), so a duplicate task does nothing;
- the URL is resolved and checked (safety/ssrf.py) and the request goes to
  the checked address, redirects not followed;
- the body is the same bytes on every attempt, with `webhook-id`,
  `webhook-timestamp` and `webhook-signature` (v1, HMAC-SHA256 over
  `id.timestamp.body`, one signature per live secret) per the Standard
  Webhooks spec, signed by its reference library;
- 2xx delivers; 410 Gone disables the endpoint and stops; anything else
  schedules the next attempt by RETRY_SCHEDULE with +-10% jitter, and the
  schedule's end gives up (a `webhook_failed` job event);
- the schedule lives in the database: beat (`jobs.webhooks_dispatch_due`)
  sends what is due and frees attempts whose worker died, so a lost task or
  a restart loses no delivery.
"""

import json
import logging
import random
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

# The project's Celery app (beacon/celery.py) as Celery's current app:
# jobs sits under the composition root and does not import it.
from celery import current_app as app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from common.errors import DomainError
from jobs.models import Batch, DeliveryStatus, EventType, Job, WebhookDelivery, WebhookEndpoint
from jobs.selectors import job_representation
from jobs.services.events import event_record
from jobs.services.slow_io import without_db_connection_if_slow
from safety.ssrf import UnsafeUrl, url_check
from tenants.models import Project
from tenants.services import webhook_secret_new

logger = logging.getLogger(__name__)

# Seconds after attempt N (1-based) before attempt N+1: 5 s, 5 min, 30 min,
# 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. Ten attempts over 3.1 days, so a receiver
# down over a weekend night still gets every message.
RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
JITTER = 0.1
EVENT_TYPES = ("generation.completed", "generation.failed", "generation.rejected", "generation.cancelled")
BATCH_EVENT_TYPES = ("batch.completed", "batch.cancelled", "batch.expired", "batch.failed")
RESPONSE_EXCERPT = 300
# What a receiver may echo back that must not sit in the log: secrets,
# bearer tokens, API keys (Beacon's and common providers' shapes).
SECRETISH = re.compile(
    r"whsec_[A-Za-z0-9+/=]+|(?i:bearer)\s+\S+|bk_[A-Za-z0-9_-]+|bcn_[A-Za-z0-9_-]+|sk-[A-Za-z0-9_-]{8,}"
)


def webhook_payload(*, job: Job) -> bytes:
    body = {
        "type": f"generation.{job.status}",
        "timestamp": timezone.now().isoformat(),
        "data": job_representation(job=job),
    }
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def live_secrets(current: str, previous: str, previous_expires_at: datetime | None) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during
    its overlap window after a rotation."""
    keep_previous = previous and previous_expires_at is not None and previous_expires_at > timezone.now()
    return [current, previous] if keep_previous else [current]


def webhook_sign(*, secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature`: one `v1,<base64>` per live secret, space-separated."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return " ".join(Webhook(secret).sign(message_id, moment, body.decode()) for secret in secrets_)


def _signing_secrets(delivery: WebhookDelivery) -> list[str]:
    if delivery.endpoint is not None:
        endpoint = delivery.endpoint
        return live_secrets(endpoint.secret, endpoint.previous_secret, endpoint.previous_secret_expires_at)
    project = _owner(delivery).project
    return live_secrets(
        project.webhook_secret, project.previous_webhook_secret, project.previous_webhook_secret_expires_at
    )


def _owner(delivery: WebhookDelivery) -> Job | Batch:
    """What the delivery is for: a job, or a batch (the database holds exactly one)."""
    owner = delivery.job if delivery.job is not None else delivery.batch
    assert owner is not None, "a delivery is for a job or a batch"
    return owner


def deliveries_create(*, job: Job) -> list[WebhookDelivery]:
    """The job's messages, one per destination (call under the job's lock)."""
    event_type = f"generation.{job.status}"
    message_id = f"msg_{job.id.hex}_{job.status}"
    body = webhook_payload(job=job).decode()
    urls: list[tuple[str, WebhookEndpoint | None]] = [(job.webhook_url, None)] if job.webhook_url else []
    for subscribed in WebhookEndpoint.objects.filter(project_id=job.project_id, enabled=True, deleted_at__isnull=True):
        if not subscribed.event_types or event_type in subscribed.event_types:
            urls.append((subscribed.url, subscribed))
    created = []
    for url, endpoint in urls:
        delivery, made = WebhookDelivery.objects.get_or_create(
            job=job,
            url=url,
            message_id=message_id,
            defaults={
                "endpoint": endpoint,
                "event_type": event_type,
                "payload": body,
                "next_attempt_at": timezone.now(),
            },
        )
        if made:
            created.append(delivery)
            _enqueue_on_commit(delivery.id)
    return created


# By name, as stage messages are (jobs/services/publishing.py): the task
# module imports these services, not the other way round.
ATTEMPT_TASK = "jobs.webhook_attempt"


def _enqueue(delivery_id: int) -> None:
    app.send_task(ATTEMPT_TASK, args=[delivery_id], queue="webhooks")


def _enqueue_on_commit(delivery_id: int, countdown: float | None = None) -> None:
    """Send the attempt once the delivery row is committed. Robust: with the
    broker down the attempt is still due in the database, and beat sends it."""

    def send() -> None:  # named, not a partial: Django logs robust failures by __qualname__
        if countdown is None:
            _enqueue(delivery_id)
        else:
            _enqueue_later(delivery_id, countdown)

    transaction.on_commit(send, robust=True)


def batch_deliveries_create(*, batch: Batch, body: dict[str, object]) -> list[WebhookDelivery]:
    """The batch's one message when it ends, to its own webhookUrl and to the
    project's endpoints subscribed to `batch.<status>` (an endpoint that lists
    no event types takes every `generation.*` event, not batch ones: a
    receiver written for jobs must not start getting batches)."""
    event_type = f"batch.{batch.status}"
    message_id = f"msg_{batch.id.hex}_{batch.status}"
    payload = json.dumps({"type": event_type, "timestamp": timezone.now().isoformat(), "data": body}, default=str)
    urls: list[tuple[str, WebhookEndpoint | None]] = [(batch.webhook_url, None)] if batch.webhook_url else []
    for subscribed in WebhookEndpoint.objects.filter(
        project_id=batch.project_id, enabled=True, deleted_at__isnull=True
    ):
        if event_type in (subscribed.event_types or []):
            urls.append((subscribed.url, subscribed))
    created = []
    for url, endpoint in urls:
        delivery, made = WebhookDelivery.objects.get_or_create(
            batch=batch,
            url=url,
            message_id=message_id,
            defaults={
                "endpoint": endpoint,
                "event_type": event_type,
                "payload": payload,
                "next_attempt_at": timezone.now(),
            },
        )
        if made:
            created.append(delivery)
            _enqueue_on_commit(delivery.id)
    return created


def webhooks_wanted(job: Job) -> bool:
    return (
        bool(job.webhook_url)
        or WebhookEndpoint.objects.filter(project_id=job.project_id, enabled=True, deleted_at__isnull=True).exists()
    )


def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    lease = now + timedelta(seconds=settings.BEACON_WEBHOOK_TIMEOUT_SECONDS + 60)
    claimed = WebhookDelivery.objects.filter(id=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if not claimed.update(status=DeliveryStatus.SENDING, lease_expires_at=lease):
        return None  # a duplicate task, or not due yet
    return WebhookDelivery.objects.select_related("job__project", "batch__project", "endpoint").get(id=delivery_id)


def _excerpt(text: str) -> str:
    return SECRETISH.sub("[redacted]", text[:RESPONSE_EXCERPT])


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """(status code, error name, response excerpt) of one attempt."""
    target = url_check(delivery.url)
    assert target is not None
    message_timestamp = int(time.time())
    body = delivery.payload.encode()
    headers = {
        "content-type": "application/json",
        "host": target.host,
        "user-agent": "Beacon-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(message_timestamp),
        "webhook-signature": webhook_sign(
            secrets_=_signing_secrets(delivery), message_id=delivery.message_id, timestamp=message_timestamp, body=body
        ),
    }

    def send() -> httpx.Response:
        with httpx.Client(timeout=settings.BEACON_WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False) as client:
            # To the checked address; TLS still verifies the name (SNI).
            return client.post(target.url, content=body, headers=headers, extensions={"sni_hostname": target.host})

    try:
        response = without_db_connection_if_slow(send)
    except httpx.HTTPError as exc:
        return None, type(exc).__name__, ""
    return response.status_code, "" if response.is_success else f"HTTP {response.status_code}", _excerpt(response.text)


def _endpoint_gone(delivery: WebhookDelivery) -> str:
    """Why a delivery to an endpoint must stop: it was disabled, or deleted
    (the row's endpoint is gone and the URL is not the job's own). Signed
    with the project's secret, it would otherwise keep going to a receiver
    the project let go."""
    if delivery.endpoint is not None:
        if delivery.endpoint.deleted_at is not None:
            return "endpoint_deleted"  # in the trash: a restore brings later events, not these
        return "" if delivery.endpoint.enabled else "endpoint_disabled"
    return "" if delivery.url == _owner(delivery).webhook_url else "endpoint_deleted"


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    stopped = _endpoint_gone(delivery)
    if stopped:
        delivery.status, delivery.next_attempt_at, delivery.lease_expires_at = DeliveryStatus.GAVE_UP, None, None
        delivery.last_error = stopped
        with transaction.atomic():
            delivery.save()
            _record(delivery)
        return delivery
    started = time.monotonic()
    try:
        status_code, error, excerpt = _post(delivery)
    except UnsafeUrl as exc:
        status_code, error, excerpt = None, f"unsafe_url: {exc}", ""
    latency_ms = int((time.monotonic() - started) * 1000)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error, delivery.lease_expires_at = status_code, error[:200], None
    delivery.log = [
        *delivery.log,
        {
            "at": now.isoformat(),
            "attempt": delivery.attempts,
            "statusCode": status_code,
            "latencyMs": latency_ms,
            "error": error[:200],
            "response": excerpt,
        },
    ]
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
    elif error.startswith("unsafe_url"):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    elif status_code == 410:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
        if delivery.endpoint is not None:
            WebhookEndpoint.objects.filter(id=delivery.endpoint.id).update(
                enabled=False, disabled_reason=f"the receiver answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC"
            )
    elif delivery.attempts <= len(RETRY_SCHEDULE):
        wait = RETRY_SCHEDULE[delivery.attempts - 1] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now + timedelta(seconds=wait)
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
    with transaction.atomic():
        delivery.save()
        _record(delivery)
        if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at:
            countdown = max(0.0, (delivery.next_attempt_at - now).total_seconds())
            _enqueue_on_commit(delivery.id, countdown)
    return delivery


def _enqueue_later(delivery_id: int, countdown: float) -> None:
    # Short waits go to the broker; long ones are left to beat's due sweep
    # (a countdown of hours would sit in the broker's visibility window).
    if countdown <= 600:
        app.send_task(ATTEMPT_TASK, args=[delivery_id], countdown=countdown, queue="webhooks")


def _record(delivery: WebhookDelivery) -> None:
    data = {
        "webhookId": delivery.message_id,
        "url": delivery.url,
        "status": delivery.last_status_code,
        "attempt": delivery.attempts,
        "endpoint": str(delivery.endpoint_id or ""),
    }
    # A batch's delivery has its log on the row only (a batch has no event history).
    if delivery.status == DeliveryStatus.DELIVERED and delivery.job is not None:
        event_record(job=delivery.job, type=EventType.WEBHOOK_DELIVERED, data=data)
    elif delivery.status in (DeliveryStatus.GAVE_UP, DeliveryStatus.FAILED):
        if delivery.job is not None:
            event_record(job=delivery.job, type=EventType.WEBHOOK_FAILED, data={**data, "error": delivery.last_error})
        logger.warning(
            "webhook %s to %s gave up after %d attempts: %s",
            delivery.message_id,
            delivery.url,
            delivery.attempts,
            delivery.last_error,
        )


def deliveries_dispatch_due(*, limit: int = 500) -> int:
    """Beat: free attempts whose worker died, then send what is due."""
    now = timezone.now()
    WebhookDelivery.objects.filter(status=DeliveryStatus.SENDING, lease_expires_at__lt=now).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, lease_expires_at=None
    )
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    for delivery_id in due:
        _enqueue(delivery_id)
    return len(due)


def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a message again now, with a fresh retry schedule (same id and body)."""
    if delivery.payload_purged_at is not None:
        raise DomainError(
            "This delivery's body was removed by retention; it cannot be sent again.", code="invalid_state"
        )
    if delivery.status == DeliveryStatus.SENDING:
        return delivery
    with transaction.atomic():
        WebhookDelivery.objects.filter(id=delivery.id).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        _enqueue_on_commit(delivery.id)
    delivery.refresh_from_db()
    return delivery


def endpoint_create(*, project: Project, url: str, event_types: list[str], description: str = "") -> WebhookEndpoint:
    url_check(url)
    return WebhookEndpoint.objects.create(
        project=project, url=url, event_types=event_types, description=description, secret=webhook_secret_new()
    )


def endpoint_update(*, endpoint: WebhookEndpoint, changes: dict[str, Any]) -> WebhookEndpoint:
    if "url" in changes:
        url_check(changes["url"])
    for name, value in changes.items():
        setattr(endpoint, name, value)
    if changes.get("enabled"):
        endpoint.disabled_reason = ""
    endpoint.save()
    return endpoint


def _overlap() -> datetime:
    return timezone.now() + timedelta(hours=settings.BEACON_WEBHOOK_SECRET_OVERLAP_HOURS)


def endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret signs from now; the old one keeps signing beside it for
    the overlap window, so receivers can switch without a gap."""
    endpoint.previous_secret, endpoint.previous_secret_expires_at = endpoint.secret, _overlap()
    endpoint.secret = webhook_secret_new()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint


def project_secret_rotate(*, project: Project) -> Project:
    """The same for the secret that signs per-job `webhookUrl` deliveries."""
    project.previous_webhook_secret, project.previous_webhook_secret_expires_at = project.webhook_secret, _overlap()
    project.webhook_secret = webhook_secret_new()
    project.save(update_fields=["webhook_secret", "previous_webhook_secret", "previous_webhook_secret_expires_at"])
    return project
