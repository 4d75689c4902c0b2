"""Render a task kind's prompt into chat messages with sandboxed Jinja2.

The sandbox (no attribute access to internals), StrictUndefined (a missing
variable is an error, not an empty string) and the `fence()` function are the
foundation the prompt registry builds on. Untrusted text is wrapped in markers
carrying a random per-job token, so content cannot close the fence early by
guessing the delimiter.
"""

import hashlib
import hmac
import json
from functools import cache
from typing import Any

from django.conf import settings
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from prompts.task_kinds import TASK_KINDS_DIR, TaskKind


def fence_token_for(parameters: Any) -> str:
    """The marker that fences untrusted input in a prompt.

    Keyed by a server secret, so input cannot predict it and forge a closing
    fence; derived from the input, so identical input renders identical
    prompts and the model output cache can answer it."""
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hmac.new(settings.SECRET_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    return "DATA_" + digest[:12].upper()


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(TASK_KINDS_DIR)),
        undefined=StrictUndefined,
        autoescape=False,  # prompts are not HTML; untrusted text is fenced instead
        keep_trailing_newline=False,
        trim_blocks=False,
    )


def render_messages(
    *,
    kind: TaskKind,
    parameters: dict[str, Any],
    fence_token: str,
    feedback: list[str] | None = None,
) -> list[dict[str, str]]:
    """The system and user messages for one job."""
    token = fence_token

    def fence(text: Any) -> str:
        # A token that appears in the text itself is removed, so the data can
        # never contain its own closing marker.
        body = str(text).replace(token, "")
        return f"<<{token}>>\n{body}\n<</{token}>>"

    context: dict[str, Any] = {
        "content": parameters["content"],
        "product": parameters.get("product") or {},
        "locale": parameters.get("locale", "en-US"),
        "customer_tier": parameters.get("customer_tier", "standard"),
        "reference_documents": parameters.get("reference_documents") or [],
        "feedback": feedback or [],
        "fence_token": token,
        "fence": fence,
        **kind.context,
    }
    environment = _environment()
    system = environment.get_template(f"{kind.name}/system.jinja").render(context)
    user = environment.get_template(f"{kind.name}/user.jinja").render(context)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]
