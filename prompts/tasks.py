from celery import shared_task

from prompts.golden import golden_run_execute


@shared_task(name="prompts.golden_run", queue="llm", acks_late=True, soft_time_limit=600, time_limit=660)
def golden_run_task(run_id: str) -> str:
    return str(golden_run_execute(run_id).status)
