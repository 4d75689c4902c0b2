"""Model errors: one set of Beacon types, whatever the provider raised.

`permanent` says whether retrying can help; `code` is the stable name the API,
the ledger and the events use; `attempts` carries the ledger rows of every
attempt made before the error, so a failed call is still accounted for.
"""

from typing import Any


class ModelError(Exception):
    permanent = False
    code = "model_error"

    def __init__(
        self,
        message: str,
        *,
        deployment: str = "",
        status_code: int | None = None,
        code: str | None = None,
        attempts: tuple[Any, ...] = (),
    ) -> None:
        super().__init__(message)
        self.deployment = deployment
        self.status_code = status_code
        self.code = code or self.code
        self.attempts = attempts


class TransientModelError(ModelError):
    """Rate limits, timeouts, 5xx, dropped connections, garbled bodies: retry with backoff."""

    code = "model_unavailable"


class PermanentModelError(ModelError):
    """Auth, bad request, context too long, content policy, deadline: retrying cannot help."""

    permanent = True
