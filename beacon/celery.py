"""The Celery application. Its configuration lives in settings (CELERY_*)."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")

app = Celery("beacon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Correlation ids ride in task headers; importing the module connects its signals.
import beacon.correlation  # noqa: E402,F401


@worker_init.connect
def _preload_model_client(**_: object) -> None:
    """Import LiteLLM once in the worker's parent process: it takes seconds,
    and forked pool processes then share it instead of each paying at their
    first model call (inside a stage's time limit)."""
    import litellm  # noqa: F401
