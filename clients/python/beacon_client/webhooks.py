"""Verifying Beacon's webhooks (Standard Webhooks: `webhook-id`,
`webhook-timestamp`, `webhook-signature`, HMAC-SHA256 over
`{id}.{timestamp}.{body}`).

Pass the body exactly as received (bytes, before any JSON parsing) and the
request's headers:

    event = verify_webhook(request.body, request.headers, secret="whsec_...")
    if event.type == "generation.completed": ...
    elif event.type.startswith("batch."): ...  # event.batch: the batch that ended

During a secret rotation Beacon signs with both secrets, so a receiver that
knows either one accepts the message. Deliveries are at least once: dedupe on
`event.id` (the `webhook-id`, the same on every retry).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook
from standardwebhooks.webhooks import WebhookVerificationError as _LibraryError

from beacon_client.errors import WebhookVerificationError
from beacon_client.models import Batch, Generation, WebhookEvent

__all__ = ["verify_webhook"]


def verify_webhook(payload: bytes | str, headers: Mapping[str, str], secret: str) -> WebhookEvent:
    """The webhook's event once its signature and timestamp (at most five
    minutes old) check out; `WebhookVerificationError` otherwise."""
    lowered = {name.lower(): value for name, value in headers.items()}
    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    try:
        Webhook(secret).verify(body, lowered, json_parse=False)
    except (_LibraryError, EmptyWebhookSecretError) as exc:
        raise WebhookVerificationError(str(exc) or "invalid signature", code="invalid_signature") from exc
    except (ValueError, TypeError) as exc:  # a secret or a signature that is not base64
        raise WebhookVerificationError(f"cannot verify: {exc}", code="invalid_signature") from exc
    message: dict[str, Any] = json.loads(body)
    event_type = str(message.get("type", ""))
    data = message.get("data") or {}
    return WebhookEvent(
        id=lowered.get("webhook-id", ""),
        type=event_type,
        timestamp=_time(message.get("timestamp")),
        generation=Generation.from_api(data),
        raw=message,
        batch=Batch.from_api(data) if event_type.startswith("batch.") else None,
    )


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
