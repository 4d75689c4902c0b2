"""Sync mode and the Server-Sent Events stream."""

import time

import pytest

from beacon.testing import generation_body, job_run_inline
from jobs.models import JobEvent


def _events(response) -> list[tuple[str, str]]:
    text = b"".join(response.streaming_content).decode()
    frames = [frame for frame in text.split("\n\n") if frame.strip()]
    parsed = []
    for frame in frames:
        fields = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields:
            parsed.append((fields.get("id", ""), fields["event"]))
    return parsed


@pytest.mark.django_db
def test_the_stream_sends_every_event_then_ends_and_resumes_after_last_event_id(api, scripted):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    response = api.get(f"/api/v1/generations/{job_id}/stream", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    events = _events(response)
    ids = list(JobEvent.objects.filter(job_id=job_id).order_by("id").values_list("id", flat=True))
    assert [int(i) for i, _ in events[:-1]] == ids and events[0][1] == "submitted" and events[-1][1] == "end"
    resumed = _events(api.get(f"/api/v1/generations/{job_id}/stream", HTTP_LAST_EVENT_ID=str(ids[-3])))
    assert [int(i) for i, _ in resumed[:-1]] == ids[-2:]
    missing = api.get("/api/v1/generations/00000000-0000-0000-0000-000000000000/stream",
                      HTTP_ACCEPT="text/event-stream")  # fmt: skip
    assert missing.status_code == 404 and b'"not_found"' in missing.content


@pytest.mark.django_db
def test_sync_mode_answers_202_with_the_job_when_it_does_not_end_in_time(api, scripted):
    body = {**generation_body(), "options": {"mode": "sync", "syncTimeoutSeconds": 1}}
    started = time.monotonic()
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 202 and response.json()["data"]["status"] == "queued"
    assert 1 <= time.monotonic() - started < 5


@pytest.mark.slow
def test_sync_mode_answers_200_with_the_result_through_a_real_worker(api, start_worker):
    start_worker(LLM_PROVIDER="scripted")
    body = {**generation_body(), "options": {"mode": "sync", "syncTimeoutSeconds": 60}}
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["status"] == "completed" and data["result"]["attributes"]
