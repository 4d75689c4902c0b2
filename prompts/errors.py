"""The error prompts' services raise: a request to change templates that
cannot be done. The API maps it to its error format (`code`, field details)."""

from prompts.checks import CheckError


class TemplateError(Exception):
    """A request to change templates that cannot be done, with field details."""

    def __init__(self, message: str, *, code: str = "invalid_template", errors: list[CheckError] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors = errors or []
