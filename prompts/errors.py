"""The error prompts' services raise: a request to change templates that
cannot be done. The API's exception handler maps it to its status and the
error format (common/api.py), with the failed checks as field details."""

from common.errors import DomainError
from prompts.checks import CheckError


class TemplateError(DomainError):
    """A request to change templates that cannot be done, with field details."""

    code = "invalid_template"

    def __init__(self, message: str, *, code: str = "invalid_template", errors: list[CheckError] | None = None):
        super().__init__(message, code=code, details=[e.as_dict() for e in errors or []])
        self.errors = errors or []
