"""Sync mode and the Server-Sent Events stream: what they send, their caps,
and (under the ASGI handler) waiting without a thread."""

import asyncio
import contextlib
import json
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection

from beacon.testing import generation_body, job_run_inline, streamed_text, wait_for
from common.slots import slot_release, slot_take, slots_held
from jobs import notifications
from jobs.models import Job, JobEvent
from tenants.models import AuditLog


def _events(response: Any) -> list[tuple[str, str]]:
    frames = [frame for frame in streamed_text(response).split("\n\n") if frame.strip()]
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
def test_a_stream_past_the_organizations_cap_is_refused_and_a_closed_stream_frees_its_slot(api, scripted, settings):
    settings.BEACON_MAX_STREAMS_PER_ORGANIZATION = 1
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    owner = str(Job.objects.get(pk=job_id).organization_id)
    taken = slot_take(kind="streams", owner=owner, limit=1, hold_seconds=60)
    refused = api.get(f"/api/v1/generations/{job_id}/stream", HTTP_ACCEPT="text/event-stream")
    assert refused.status_code == 429 and json.loads(refused.content)["error"]["code"] == "too_many_waits"
    assert 1 <= int(refused["Retry-After"]) <= 30
    slot_release(taken)  # type: ignore[arg-type]
    response = api.get(f"/api/v1/generations/{job_id}/stream", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200 and slots_held(kind="streams", owner=owner) == 1
    assert _events(response)[-1][1] == "end"
    assert slots_held(kind="streams", owner=owner) == 0


@pytest.mark.django_db
def test_a_sync_wait_past_the_cap_is_refused_before_any_job_is_accepted(api, scripted, settings):
    settings.BEACON_MAX_SYNC_WAITS_PER_ORGANIZATION = 0
    body = {**generation_body(), "options": {"mode": "sync", "syncTimeoutSeconds": 1}}
    refused = api.post("/api/v1/generations", body, format="json")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_waits"
    assert refused["Retry-After"] and Job.objects.count() == 0
    assert api.post("/api/v1/generations", generation_body(), format="json").status_code == 202


@pytest.mark.django_db
def test_sync_mode_answers_202_with_the_job_when_it_does_not_end_in_time(api, scripted):
    body = {**generation_body(), "options": {"mode": "sync", "syncTimeoutSeconds": 1}}
    started = time.monotonic()
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 202 and response.json()["data"]["status"] == "queued"
    assert 1 <= time.monotonic() - started < 5


def _asgi(method: str, path: str, *, key: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request through Beacon's ASGI handler (beacon/asgi.py), as the
    web server sends it."""
    from django.db import connections
    from django.test import override_settings

    from beacon.asgi import BeaconAsgiHandler

    with override_settings(BEACON_WEB_THREADS=1):
        application = BeaconAsgiHandler()

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {key}".encode()),
                    (b"content-type", b"application/json"), (b"accept", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 40000), "server": ("testserver", 80),
    }  # fmt: skip
    messages: list[dict[str, Any]] = []

    async def run() -> None:
        sent = False
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            messages.append(message)

        await application(scope, receive, send)
        done.set()

    async_to_sync(run)()
    # The handler's request thread keeps its connection; close it so the
    # test database can be dropped at the end of the session.
    application.threads.submit(connections.close_all).result()
    application.threads.shutdown()
    start = messages[0]
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, b"".join(m.get("body", b"") for m in messages[1:])


@pytest.mark.django_db(transaction=True)
def test_under_asgi_a_sync_wait_is_woken_by_the_jobs_notification_and_answers_200(org_factory, scripted, monkeypatch):
    # With notifications lost, nothing would wake the wait before its timeout (202).
    monkeypatch.setattr(notifications, "FALLBACK_SECONDS", 60.0)
    org, key = org_factory("acme")
    submitted: list[str] = []

    def finish_the_job() -> None:  # a worker elsewhere, once the job is accepted
        deadline = time.monotonic() + 20
        while not submitted and time.monotonic() < deadline:
            found = Job.objects.filter(organization=org).values_list("id", flat=True).first()
            if found:
                submitted.append(str(found))
            time.sleep(0.1)
        time.sleep(0.5)
        try:
            job_run_inline(submitted[0])
        finally:
            connection.close()

    worker = threading.Thread(target=finish_the_job)
    worker.start()
    body = json.dumps({**generation_body(), "options": {"mode": "sync", "syncTimeoutSeconds": 30}}).encode()
    status, headers, content = _asgi("POST", "/api/v1/generations", key=key, body=body)
    worker.join(30)
    assert status in (200, 202), (status, content[:2000])
    data = json.loads(content)["data"]
    assert status == 200 and data["status"] == "completed" and data["id"] == submitted[0]
    assert headers["content-length"] == str(len(content)) and headers["location"].endswith(submitted[0])
    assert slots_held(kind="sync-waits", owner=str(org.id)) == 0
    # The request's audit row is written when the response closes, with the status sent.
    row = AuditLog.objects.get(organization_id=org.id, method="POST")
    assert row.status_code == 200 and row.route == "api/v1/generations"


@pytest.mark.slow
def test_sync_mode_answers_200_with_the_result_through_a_real_worker(api, start_worker):
    start_worker(LLM_PROVIDER="scripted")
    body = {**generation_body(), "options": {"mode": "sync", "syncTimeoutSeconds": 60}}
    response = api.post("/api/v1/generations", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["status"] == "completed" and data["result"]["attributes"]


@pytest.mark.slow
def test_a_real_web_server_keeps_answering_while_streams_and_sync_waits_hold_no_thread_or_connection(
    org_factory, transactional_db, tmp_path
):
    """One web process with four request threads (as many as the threaded
    server it replaces): 24 open streams and 6 sync waits of one
    organization, and another organization's submission still answers; no
    waiter holds a connection; past the caps, 429."""
    import httpx

    from beacon.runtime.servers import free_port
    from conftest import BASE_DIR, worker_env

    _, holder_key = org_factory("holder")
    _, other_key = org_factory("other")
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1/generations"
    # Four request threads for thirty waiters: a waiter that held a thread
    # would leave the other organization's submission queueing behind it.
    env = worker_env(BEACON_MAX_STREAMS_PER_ORGANIZATION="24", BEACON_MAX_SYNC_WAITS_PER_ORGANIZATION="6",
                     BEACON_WEB_THREADS="4", LLM_PROVIDER="scripted")  # fmt: skip
    log = (tmp_path / "web.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "beacon.asgi", "-b", f"127.0.0.1:{port}", "-w", "1",
         "-k", "uvicorn_worker.UvicornWorker"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        health = f"http://127.0.0.1:{port}/api/v1/health"
        wait_for(lambda: _answers(health, server, tmp_path / "web.log"), 60, message="the web server")
        holder_headers = {"Authorization": f"Bearer {holder_key}"}
        body = generation_body()
        with httpx.Client(headers=holder_headers, timeout=10) as client:
            job_ids = [client.post(base, json=body).json()["data"]["id"] for _ in range(25)]

        async def scenario() -> dict[str, Any]:
            seen: dict[str, Any] = {"open": 0}
            limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
            timeout = httpx.Timeout(10, read=None)
            async with httpx.AsyncClient(headers=holder_headers, timeout=timeout, limits=limits) as held:

                async def stream(job_id: str) -> None:
                    async with held.stream("GET", f"{base}/{job_id}/stream") as response:
                        assert response.status_code == 200
                        seen["open"] += 1
                        async for _ in response.aiter_raw():
                            pass

                async def sync_wait() -> None:
                    with contextlib.suppress(httpx.HTTPError):
                        await held.post(base, json=sync_body)

                sync_body = {**body, "options": {"mode": "sync", "syncTimeoutSeconds": 60}}
                tasks = [asyncio.create_task(stream(j)) for j in job_ids[:24]]
                tasks += [asyncio.create_task(sync_wait()) for _ in range(6)]
                for _ in range(100):
                    if seen["open"] == 24:
                        break
                    await asyncio.sleep(0.1)
                await asyncio.sleep(1)
                async with httpx.AsyncClient(timeout=10) as other:
                    answer = await other.post(base, json=body, headers={"Authorization": f"Bearer {other_key}"})
                    seen["other"] = answer.status_code
                    extra = await other.get(f"{base}/{job_ids[24]}/stream", headers=holder_headers)
                    seen["past stream cap"] = extra.status_code
                    extra = await other.post(base, json=sync_body, headers=holder_headers)
                    seen["past sync cap"] = extra.status_code
                seen["connections"] = await sync_to_async(_database_connections)()
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
            return seen

        seen = async_to_sync(scenario)()
    finally:
        server.terminate()
        server.wait(20)
        from beacon.celery import app

        app.control.purge()  # the server published the jobs it accepted; no worker here took them
    assert seen["open"] == 24 and seen["other"] == 202, seen
    assert seen["past stream cap"] == 429 and seen["past sync cap"] == 429, seen
    # Bounded by the server's threads (four request threads, Django's shared
    # one) and this test's own, not by the thirty waiters.
    assert seen["connections"] <= 8, seen


def _answers(url: str, process: Any, log: Any) -> bool:
    import httpx

    if process.poll() is not None:
        raise RuntimeError(log.read_text())  # the server exited: say why
    try:
        httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return True


def _database_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_accepting_a_job_sends_no_change_notice_but_its_next_event_does(
    api, scripted, monkeypatch, django_capture_on_commit_callbacks
):
    # Nobody can wait on an id the 202 has not told them yet: the submission
    # skips the Redis PUBLISH that every later event makes.
    import jobs.services.events as events

    notified: list[str] = []
    monkeypatch.setattr(events, "job_changed_notify", notified.append)
    monkeypatch.setattr("jobs.services.publishing.stage_message_send", lambda **_: None)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/generations", generation_body(), format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["data"]["id"]
    assert notified == []
    assert list(JobEvent.objects.filter(job_id=job_id).values_list("type", flat=True)) == ["submitted"]
    with django_capture_on_commit_callbacks(execute=True):
        job_run_inline(job_id)
    assert notified and set(notified) == {job_id}
