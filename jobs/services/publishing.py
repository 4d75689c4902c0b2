"""Publishing stage messages. The broker carries job ids, nothing else.

Messages are sent after the transaction that made the stage due commits, so a
worker never reads a job older than the message. If the publish itself fails
(Redis down), the job is still committed with `published_at` set, and the
sweeper publishes it again later: nothing acknowledged is lost.
"""

import logging
from typing import Any

# The project's Celery app (beacon/celery.py) as Celery's current app:
# jobs sits under the composition root and does not import it.
from celery import current_app as app
from django.db import transaction
from django.utils import timezone

from jobs.models import Job, Stage
from jobs.stage_table import STAGE_TABLE

logger = logging.getLogger(__name__)

# stage -> (task name, queue), from the stage table.
STAGE_TASKS: dict[str, tuple[str, str]] = {spec.stage: (spec.task, spec.queue) for spec in STAGE_TABLE}


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


def stage_message_send(*, job_id: str, stage: str, queue: str | None = None) -> None:
    task_name, default_queue = STAGE_TASKS[stage]
    app.send_task(task_name, args=[job_id], queue=queue or default_queue)


def stage_publish_on_commit(*, job: Job, stage: str) -> None:
    """Mark `stage` due on the (unsaved) job and send its message after commit."""
    if stage not in STAGE_TASKS:
        return
    job.published_at = timezone.now()
    message_send_on_commit(job_id=str(job.id), stage=stage, queue=stage_queue(stage, job.routing))


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
