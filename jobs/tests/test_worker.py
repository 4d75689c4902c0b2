"""The pipeline under a real Celery worker process on real Redis and PostgreSQL.

The model is scripted (LiteLLM mock responses) so these tests are about the
platform: serialization, acknowledgement, redelivery, leases and the sweeper.
test_real_model.py runs the same path against the local model.
"""

import json
import time

import pytest
import redis
from django.conf import settings as django_settings

from beacon.testing import generation_body, wait_for, wait_terminal
from jobs.models import Job, JobEvent, WebhookDelivery
from jobs.services.load import queue_lengths
from jobs.services.publishing import stage_message_send

pytestmark = [pytest.mark.slow]


def _submit(api, kind: str = "metadata_enrichment") -> str:
    response = api.post("/api/v1/generations", generation_body(kind), format="json")
    assert response.status_code == 202
    return response.json()["data"]["id"]


def test_jobs_of_every_task_kind_complete_through_a_real_worker(api, start_worker):
    start_worker(LLM_PROVIDER="scripted")
    ids = [
        _submit(api, kind)
        for kind in ["product_description", "metadata_enrichment", "moderation_summary", "taxonomy_tagging"]
    ]
    for job_id in ids:
        assert wait_terminal(job_id, timeout=60) == "completed"
    assert all(Job.objects.get(pk=job_id).stage == "done" for job_id in ids)
    # The scripted model picks retrieval's first category: two methods agree.
    category = (Job.objects.get(pk=ids[-1]).result.output or {})["categories"][0]
    assert category["path"] == "Apparel & Accessories > Clothing > Shirts & Tops" and category["confidence"] >= 0.6


def test_a_duplicate_stage_message_does_nothing(api, start_worker):
    start_worker(LLM_PROVIDER="scripted")
    job_id = _submit(api)
    assert wait_terminal(job_id) == "completed"
    events = JobEvent.objects.filter(job_id=job_id).count()
    for stage in ["prepare", "generate", "validate", "finalize"]:
        stage_message_send(job_id=job_id, stage=stage)
    time.sleep(3)
    assert JobEvent.objects.filter(job_id=job_id).count() == events
    assert Job.objects.get(pk=job_id).status == "completed"


def test_a_worker_killed_mid_stage_is_recovered_and_the_job_finishes_once(api, start_worker):
    # The model takes 4 s; the stage may take 8 s; leases last 10 s; beat reaps every second.
    settings = {
        "LLM_PROVIDER": "scripted",
        "LLM_SCRIPTED_LATENCY_MS": "4000",
        "BEACON_STAGE_LEASE_SECONDS": "10",
        "BEACON_GENERATE_SOFT_TIME_LIMIT": "7",
        "BEACON_GENERATE_TIME_LIMIT": "8",
        "BEACON_REAP_INTERVAL_SECONDS": "1",
    }
    worker = start_worker(**settings)
    job_id = _submit(api)
    wait_for(lambda: Job.objects.get(pk=job_id).lease_expires_at is not None, 30, message="generate to be claimed")
    worker.kill()  # SIGKILL, main process and children, mid model call
    assert Job.objects.get(pk=job_id).status == "generating"

    start_worker(beat=True, **settings)
    assert wait_terminal(job_id, timeout=90) == "completed"
    events = list(JobEvent.objects.filter(job_id=job_id).values_list("type", "to_status"))
    assert events.count(("status_changed", "completed")) == 1
    assert [e for e in events if e[0] == "model_called"] == [("model_called", "")]
    assert ("lease_expired", "") in events or ("stage_reclaimed", "") in events
    assert Job.objects.get(pk=job_id).stage_attempt == 2


def test_a_job_published_while_no_worker_runs_completes_once_one_starts(api, start_worker):
    job_id = _submit(api)  # the message waits in Redis
    time.sleep(1)
    assert Job.objects.get(pk=job_id).status == "queued"
    start_worker(LLM_PROVIDER="scripted")
    assert wait_terminal(job_id) == "completed"


def test_a_lost_publish_is_recovered_by_the_sweeper(api, start_worker):
    import redis
    from django.conf import settings

    job_id = _submit(api)
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the message is lost
    start_worker(beat=True, LLM_PROVIDER="scripted", BEACON_SWEEP_AFTER_SECONDS="2", BEACON_SWEEP_INTERVAL_SECONDS="1")
    assert wait_terminal(job_id, timeout=60) == "completed"
    assert JobEvent.objects.filter(job_id=job_id, type="stage_republished").exists()


def test_remediation_and_partial_acceptance_through_a_real_worker(api, start_worker):
    import json

    from llm.scripted import scripted_responses_push

    start_worker(LLM_PROVIDER="scripted")
    # Unparseable; then (the repair call) a size that is not a candidate, sent
    # back; then a brand the input does not state, dropped at once.
    outside = json.dumps({"brand": "Zed", "size": "7"})
    invented = json.dumps({"brand": "Zed", "size": "1.7 l"})
    scripted_responses_push("I will not answer in JSON.", outside, invented)
    body = generation_body(content="Sturdy kettle, 1.7 l, boils fast")
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    assert wait_terminal(job_id, timeout=60) == "completed"
    job = Job.objects.get(pk=job_id)
    assert job.generation_count == 3
    assert job.result.validation["partial"] is True and job.result.validation["dropped"] == ["attributes.brand"]
    types = list(job.events.order_by("id").values_list("type", flat=True))
    assert types.index("repair_requested") < types.index("remediation") < types.index("partially_accepted")


def test_a_webhook_is_retried_by_the_worker_and_delivered_once(api, start_worker, receiver):
    url, handler = receiver
    handler.statuses = [500, 200]
    start_worker(LLM_PROVIDER="scripted")
    body = {**generation_body(), "options": {"webhookUrl": url}}
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    assert wait_terminal(job_id) == "completed"
    # The second attempt comes about 5 s after the first (the schedule's first step).
    delivered = wait_for(lambda: WebhookDelivery.objects.filter(job_id=job_id, status="delivered").first(), 60,
                         message="the webhook to be delivered")  # fmt: skip
    assert delivered.attempts == 2 and [e["statusCode"] for e in delivered.log] == [500, 200]
    assert len(handler.received) == 2 and len({h["webhook-id"] for h, _ in handler.received}) == 1
    assert Job.objects.get(pk=job_id).events.filter(type="webhook_delivered").count() == 1


def test_worker_log_lines_are_json_with_the_request_s_correlation_id_and_the_job(api, start_worker):
    worker = start_worker(LLM_PROVIDER="scripted", LOG_FORMAT="json")
    response = api.post("/api/v1/generations", generation_body(), format="json", HTTP_X_REQUEST_ID="req-corr-0042")
    job_id = response.json()["data"]["id"]
    assert wait_terminal(job_id) == "completed"
    lines = [json.loads(line) for line in worker.log_path.read_text().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("job_id") == job_id]
    assert {line["stage"] for line in mine} >= {"prepare", "generate", "finalize"}
    assert {line["correlation_id"] for line in mine} == {"req-corr-0042"}
    assert all(line["org"] for line in mine)


def test_a_high_priority_job_waits_in_its_own_queue_and_a_worker_for_the_queue_takes_it(api, start_worker):
    body = {**generation_body(), "options": {"priority": "high"}}
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    normal_id = _submit(api)
    time.sleep(1)
    broker = redis.Redis.from_url(django_settings.REDIS_URL)
    assert (broker.llen("default.high"), broker.llen("default")) == (1, 1)
    assert queue_lengths(["default"]) == {"default": 2}  # depth counts both
    start_worker(LLM_PROVIDER="scripted", queues=("default", "llm"))  # named without `.high`
    assert wait_terminal(job_id) == "completed" and wait_terminal(normal_id) == "completed"
