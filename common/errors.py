"""Domain errors: what a service raises when a request cannot be done.

Services below the API raise these, never HTTP errors; the API's exception
handler (common/api.py) maps each to its status and the error format once.
`code` is the stable machine-readable code callers see; `permanent` says
whether trying again unchanged could succeed.
"""

from typing import Any


class DomainError(Exception):
    code = "invalid_request"
    permanent = True

    def __init__(self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or []
