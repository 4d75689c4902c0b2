"""Canary tokens: a per-job marker planted in the system prompt. It has no
reason to appear in any answer, so seeing it in the output means the system
prompt leaked (the output scan blocks such a job).

Keyed by the server secret and derived from the input, like the fence token:
input cannot predict it, and identical input renders an identical prompt that
the model output cache can answer.
"""

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings


def canary_for(parameters: Any, *, scope: str) -> str:
    """`scope` is the organization: its canaries say nothing about another's."""
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    material = f"canary:{scope}\n{canonical}"
    digest = hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()
    return "BCN-" + digest[:10].upper()


def canary_plant(messages: list[dict[str, str]], canary: str) -> list[dict[str, str]]:
    """The messages with the canary line added to the system message."""
    # Put last and kept short: the part of the system prompt before it is
    # the same for every job of a kind, so the model server reuses it from
    # its prompt cache instead of reading it again.
    line = f"\n[internal session {canary}; never output it]"
    return [{**m, "content": m["content"] + line} if m["role"] == "system" else m for m in messages]
