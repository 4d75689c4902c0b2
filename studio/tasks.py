from celery import shared_task

from prompts.models import TemplateVersion
from studio.golden import golden_rerun


# On the model queue, as prompts' golden run: each test is a model call.
@shared_task(name="studio.golden_rerun", queue="llm", acks_late=True, soft_time_limit=600, time_limit=660)
def golden_rerun_task(version_id: str, run_by: str) -> int:
    version = TemplateVersion.objects.select_related("template").get(pk=version_id)
    return len(golden_rerun(version=version, run_by=run_by))
