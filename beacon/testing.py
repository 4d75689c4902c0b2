"""Helpers for Beacon's tests (fixtures live in the root conftest.py)."""

import time
from collections.abc import Callable
from typing import Any

from rest_framework.test import APIClient

TERMINAL = {"completed", "rejected", "failed", "cancelled"}


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def generation_body(kind: str = "metadata_enrichment", **parameters: Any) -> dict[str, Any]:
    params = {"content": "Blue cotton shirt by Acme, size M. Machine washable.", "locale": "en-US", **parameters}
    return {"templateId": kind, "parameters": params}


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.2, message: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate}")


def job_status(job_id: str) -> str:
    from jobs.models import Job

    return Job.objects.values_list("status", flat=True).get(pk=job_id)


def wait_terminal(job_id: str, timeout: float = 60) -> str:
    return wait_for(lambda: (s := job_status(job_id)) in TERMINAL and s, timeout, message=f"job {job_id} to finish")


def job_run_inline(job_id: str) -> None:
    """Run a job's due stages in this process, one after another, until it
    waits (review) or is done."""
    from jobs.models import Job
    from jobs.services import pipeline
    from jobs.stage_table import STAGE_TABLE

    runners = {spec.stage: getattr(pipeline, spec.runner) for spec in STAGE_TABLE}
    for _ in range(20):
        runner = runners.get(Job.objects.get(pk=job_id).stage)
        if runner is None:
            return
        runner(job_id=job_id)


def streamed_text(response: Any) -> str:
    """The whole body of a streaming answer from the test client. A stream's
    iterator is asynchronous (jobs/streaming.py); the client closes the
    response once it is consumed."""
    from asgiref.sync import async_to_sync

    async def collect() -> bytes:
        return b"".join([part async for part in response.streaming_content])

    return async_to_sync(collect)().decode()


def jobs_age(job_ids: list[str], delta: Any) -> None:
    """Move ended jobs `delta` (a timedelta) into the past: their end and the
    retention times stamped from it, as if they had ended that much earlier."""
    from django.db.models import F

    from jobs.models import Job

    stamps = ("finished_at", "raw_purge_at", "result_purge_at", "webhook_payload_purge_at", "events_purge_at",
              "model_calls_purge_at")  # fmt: skip
    for stamp in stamps:
        Job.objects.filter(pk__in=job_ids, **{f"{stamp}__isnull": False}).update(**{stamp: F(stamp) - delta})
