"""Publishing stage messages. The broker carries job ids, nothing else.

Messages are sent after the transaction that made the stage due commits, so a
worker never reads a job older than the message. If the publish itself fails
(Redis down), the job is still committed with `published_at` set, and the
sweeper publishes it again later: nothing acknowledged is lost.

Chained stages: inside a stage task (`stages_chained`), a next stage that
runs inline on the same queue (prepare -> assemble, validate -> decide ->
finalize) is not sent through the broker. Most run at once in the same
transaction, on the job row already locked (`inline_stage_run`'s `follow`,
jobs/services/stages.py): one lock, one save and one commit for the task's
stages. One that cannot (decide, when a remote content policy is asked
before its lock) is handed back to the task once the transaction commits,
and the task runs that stage's function, with its own transaction and due
check. The row then says the same as for a sent message (the stage due,
`published_at` now), so a worker that dies between two such stages leaves a
job that the sweeper publishes again, as it does after a lost message.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# The project's Celery app (beacon/celery.py) as Celery's current app:
# jobs sits under the composition root and does not import it.
from celery import current_app as app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.queues import queue_for
from jobs.models import Job, Stage
from jobs.stage_table import STAGE_TABLE

logger = logging.getLogger(__name__)

# stage -> (task name, queue), from the stage table.
STAGE_TASKS: dict[str, tuple[str, str]] = {spec.stage: (spec.task, spec.queue) for spec in STAGE_TABLE}
INLINE_STAGES = frozenset(spec.stage for spec in STAGE_TABLE if spec.mode == "inline")


class Chain:
    """The stages a stage task runs after its own, in order."""

    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.due: list[str] = []


_chain: ContextVar[Chain | None] = ContextVar("stage_chain", default=None)


@contextmanager
def stages_chained(*, queue: str) -> Iterator[Chain]:
    """Collect the inline stages on `queue` that become due while this runs."""
    chain = Chain(queue) if settings.BEACON_STAGE_CHAINING else None
    token = _chain.set(chain)
    try:
        yield chain or Chain(queue)
    finally:
        _chain.reset(token)


def stage_queue(stage: str, routing: dict[str, Any] | None) -> str:
    """The queue of a stage. Generate runs where its first deployment lives:
    `gpu` for a vLLM deployment, so only GPU workers take those calls."""
    queue = STAGE_TASKS[stage][1]
    if stage == Stage.GENERATE and routing and routing.get("candidates"):
        from llm.registry import registry

        try:
            return registry().get(routing["candidates"][0]).queue
        except KeyError:
            return queue
    return queue


def stage_message_send(*, job_id: str, stage: str, queue: str | None = None, priority: str = "normal") -> None:
    """Send a stage's message to `queue`, or to the stage's own queue for this priority."""
    task_name, default_queue = STAGE_TASKS[stage]
    app.send_task(task_name, args=[job_id], queue=queue or queue_for(default_queue, priority))


def stage_chained_here(*, job: Job, stage: str) -> bool:
    """Whether the running stage task takes `stage` on itself: an inline
    stage on the task's own queue, with chaining on."""
    chain = _chain.get()
    return chain is not None and stage in INLINE_STAGES and stage_queue(stage, job.routing) == chain.queue


def stage_publish_on_commit(*, job: Job, stage: str) -> None:
    """Mark `stage` due on the (unsaved) job and send its message after commit."""
    if stage not in STAGE_TASKS:
        return
    job.published_at = timezone.now()
    chain = _chain.get()
    if chain is not None and stage_chained_here(job=job, stage=stage):
        # Handed to the running task once committed; dropped with a rollback.
        transaction.on_commit(lambda: chain.due.append(stage))
        return
    message_send_on_commit(
        job_id=str(job.id), stage=stage, queue=queue_for(stage_queue(stage, job.routing), job.priority)
    )


def message_send_on_commit(*, job_id: str, stage: str, queue: str) -> None:
    """Send a stage message once the transaction commits. A failed publish
    (the broker down) is logged and left to the sweeper."""

    # A named function, not a functools.partial: Django's robust on_commit
    # logs a failure by the callback's __qualname__, which a partial lacks, so
    # a failed publish raised out of the commit and turned an acknowledged
    # submission into a 500. Found by bench/chaos.py.
    def send() -> None:
        stage_message_send(job_id=job_id, stage=stage, queue=queue)

    transaction.on_commit(send, robust=True)
