"""What jobs asks of the apps above it, without importing them.

Human review sits above jobs (ARCHITECTURE.md: jobs never imports review):
the decide stage needs a risk assessment and, when it says so, a review
task; cancelling a job withdraws its task. Review registers the functions
that do this when Django starts (review/apps.py), as evaluation registers
its launch gate with prompts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Assessment(Protocol):
    """A risk assessment, as the decide stage reads it."""

    @property
    def needs_review(self) -> bool: ...

    def as_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ReviewPort:
    # (job_id, kind_name, safety_reasons, output, validation, customer_tier, in_experiment) -> Assessment
    assess: Callable[..., Assessment]
    # (job, assessment, output): a review task for the job, in the caller's transaction
    task_create: Callable[..., Any]
    # (job_id, reason) -> how many open tasks were withdrawn
    withdraw: Callable[..., int]
    # (job_ids) -> how many tasks had their copies of the output emptied (a purge)
    forget: Callable[..., int]


_review: list[ReviewPort] = []


def review_port_register(port: ReviewPort) -> None:
    _review[:] = [port]


def review_port() -> ReviewPort:
    if not _review:
        raise RuntimeError("no review port registered: is the review app in INSTALLED_APPS?")
    return _review[0]
