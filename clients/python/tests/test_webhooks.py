"""`verify_webhook` against messages signed as Beacon signs them: the
Standard Webhooks reference library, through Beacon's own signer."""

import base64
import json
import secrets
import time
from datetime import UTC, datetime

import pytest
from beacon_client import WebhookVerificationError, verify_webhook

from jobs.services.webhooks import webhook_sign

JOB_ID = "4f9c0a52-6d55-4bb1-a3f0-0d6f3c1e9b7a"
JOB = {
    "id": JOB_ID,
    "status": "completed",
    "stage": "done",
    "templateId": "metadata_enrichment",
    "result": {"attributes": {}},
}


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


MESSAGE = {"type": "generation.completed", "timestamp": "2026-11-29T10:42:07+00:00", "data": JOB}


def signed(secrets_: list[str], *, at: int | None = None) -> tuple[bytes, dict[str, str]]:
    """A message and its headers as Beacon's deliver stage sends them."""
    body = json.dumps(MESSAGE, separators=(",", ":")).encode()
    timestamp = at or int(time.time())
    headers = {
        "webhook-id": f"msg_{JOB_ID.replace('-', '')}_completed",
        "webhook-timestamp": str(timestamp),
    }
    headers["webhook-signature"] = webhook_sign(
        secrets_=secrets_, message_id=headers["webhook-id"], timestamp=timestamp, body=body
    )
    return body, headers


def test_a_signed_message_verifies_and_parses_into_its_event():
    secret = new_secret()
    body, headers = signed([secret])
    event = verify_webhook(body, {k.title(): v for k, v in headers.items()}, secret)  # header case does not matter
    assert event.type == "generation.completed" and event.id == headers["webhook-id"]
    assert event.generation.id == JOB_ID and event.generation.status == "completed"
    assert event.timestamp == datetime(2026, 11, 29, 10, 42, 7, tzinfo=UTC)
    assert verify_webhook(body.decode(), headers, secret).raw["data"] == JOB


def test_a_tampered_body_a_wrong_secret_or_an_old_timestamp_fails():
    secret = new_secret()
    body, headers = signed([secret])
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body.replace(b"completed", b"cancelled", 1), headers, secret)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, headers, new_secret())
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, {k: v for k, v in headers.items() if k != "webhook-signature"}, secret)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, headers, "whsec_")  # an empty secret
    stale_body, stale = signed([secret], at=int(time.time()) - 600)
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify_webhook(stale_body, stale, secret)


def test_during_a_rotation_either_secret_verifies():
    old, new = new_secret(), new_secret()
    body, headers = signed([new, old])
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert verify_webhook(body, headers, old).generation.id == verify_webhook(body, headers, new).generation.id


def test_a_batch_event_carries_its_batch():
    secret = new_secret()
    batch = {"id": JOB_ID, "status": "completed", "requestCounts": {"total": 5, "completed": 4, "failed": 1}}
    body = json.dumps({"type": "batch.completed", "timestamp": "2026-11-29T10:42:07+00:00", "data": batch}).encode()
    timestamp = int(time.time())
    headers = {"webhook-id": f"msg_batch_{JOB_ID.replace('-', '')}", "webhook-timestamp": str(timestamp)}
    headers["webhook-signature"] = webhook_sign(
        secrets_=[secret], message_id=headers["webhook-id"], timestamp=timestamp, body=body
    )
    event = verify_webhook(body, headers, secret)
    assert event.type == "batch.completed" and event.batch is not None and event.batch.id == JOB_ID
    assert event.batch.is_terminal and event.batch.request_counts.ended == 5
    assert verify_webhook(*signed([secret]), secret).batch is None  # a job's event has none
