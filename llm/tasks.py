"""Beat's tasks for provider batches: thin, each calls one service."""

from celery import shared_task

from llm import provider_batches


@shared_task(name="llm.provider_batches_submit")
def provider_batches_submit() -> int:
    return provider_batches.provider_batches_submit()


@shared_task(name="llm.provider_batches_poll")
def provider_batches_poll() -> int:
    return provider_batches.provider_batches_poll()
