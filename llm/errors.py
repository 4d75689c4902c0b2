"""Model errors, split by what a caller should do about them."""


class ModelError(Exception):
    """A model call failed. `permanent` says whether retrying can help."""

    permanent = False

    def __init__(self, message: str, *, deployment: str = "", status_code: int | None = None) -> None:
        super().__init__(message)
        self.deployment = deployment
        self.status_code = status_code


class TransientModelError(ModelError):
    """Rate limits, timeouts, 5xx, dropped connections: retry with backoff."""


class PermanentModelError(ModelError):
    """Auth, bad request, context too long, content policy: retrying cannot help."""

    permanent = True
