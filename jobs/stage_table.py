"""The pipeline's stages, declared once.

Each row says what a stage is: its Celery task and queue, the status
transition that starts it (none for the stages that run on a status another
stage set), the function in jobs/services/pipeline.py that runs it, whether
it runs inline (claimed under the job's row lock, in one transaction) or
leased (a lease is taken and the slow call runs without a lock or a
database connection), and its time limits. The Celery tasks (jobs/tasks.py),
the message routing (jobs/services/publishing.py), the sweeper and the test
helper that runs a job in process all read this table.
"""

from dataclasses import dataclass

from django.conf import settings

from jobs.models import Stage


@dataclass(frozen=True)
class StageSpec:
    stage: str
    task: str  # the Celery task's name
    queue: str
    transition: str  # the Job transition entering it; "" when none
    runner: str  # the function of jobs/services/pipeline.py
    mode: str  # "inline" or "leased"
    soft_time_limit: int | None = None
    time_limit: int | None = None


STAGE_TABLE: tuple[StageSpec, ...] = (
    StageSpec(Stage.PREPARE, "jobs.stage_prepare", "default", "start_preparing", "prepare_run", "inline"),
    StageSpec(Stage.ASSEMBLE, "jobs.stage_assemble", "default", "start_assembling", "assemble_run", "inline"),
    StageSpec(
        Stage.GENERATE,
        "jobs.stage_generate",
        "llm",
        "start_generating",
        "generate_run",
        "leased",
        soft_time_limit=settings.BEACON_GENERATE_SOFT_TIME_LIMIT,
        time_limit=settings.BEACON_GENERATE_TIME_LIMIT,
    ),
    StageSpec(Stage.VALIDATE, "jobs.stage_validate", "default", "start_validating", "validate_run", "inline"),
    StageSpec(Stage.DECIDE, "jobs.stage_decide", "default", "", "decide_run", "inline"),
    StageSpec(Stage.FINALIZE, "jobs.stage_finalize", "default", "complete", "finalize_run", "inline"),
    StageSpec(Stage.DELIVER, "jobs.stage_deliver", "webhooks", "", "deliver_run", "inline"),
)
STAGES: dict[str, StageSpec] = {spec.stage: spec for spec in STAGE_TABLE}
