"""Webhook bodies and Standard Webhooks signatures (v1, HMAC-SHA256).

The signature is over `{webhook-id}.{webhook-timestamp}.{body}` with the
project's secret (`whsec_` + base64), so receivers can verify with any
Standard Webhooks library.
"""

import base64
import hashlib
import hmac
import json

from django.utils import timezone

from jobs.models import Job
from jobs.selectors import job_representation


def webhook_payload(*, job: Job) -> bytes:
    body = {
        "type": f"generation.{job.status}",
        "timestamp": timezone.now().isoformat(),
        "data": job_representation(job=job),
    }
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def webhook_sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
