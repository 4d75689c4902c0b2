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
    # Put first and kept short: a small model's answers change less with a
    # line ahead of its task than with one among the rules it must follow.
    line = f"[internal session {canary}; never output it]\n"
    return [{**m, "content": line + m["content"]} if m["role"] == "system" else m for m in messages]
