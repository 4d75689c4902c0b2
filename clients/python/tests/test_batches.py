"""Batches through the client and the `beacon batch` commands, against the
running stack (same as test_client.py) and a Celery beat that settles batches."""

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from beacon_client import AsyncBeacon, Beacon, RetryPolicy, WaitTimeout, batch_request
from beacon_client.cli import EXIT_NOT_FOUND

from beacon.testing import generation_body, wait_for
from llm.scripted import scripted_responses_push
from review.tests.factories import DESCRIPTION, product_output

pytestmark = pytest.mark.usefixtures("batch_settling")

BODY = generation_body()
TEMPLATE, PARAMETERS = BODY["templateId"], BODY["parameters"]
# A line the kind's input schema refuses: no content, no locale.
BAD_LINE = {"custom_id": "sku-3", "body": {"templateId": TEMPLATE, "parameters": {}}}
QUICK = RetryPolicy(max_retries=3, backoff=0.01, max_backoff=0.05)
# The stack's beat settles every second: poll about as often.
POLL: dict[str, Any] = {"interval": 0.2, "max_interval": 1.0}


def jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def test_a_jsonl_file_is_uploaded_waited_for_and_its_results_come_back_by_line(beacon: Beacon, tmp_path: Path):
    lines = [batch_request(f"sku-{n}", TEMPLATE, PARAMETERS) if n != 3 else BAD_LINE for n in range(1, 6)]
    batch = beacon.batches.create(jsonl(tmp_path / "products.jsonl", lines))
    assert batch.status == "in_progress" and batch.priority == "low"
    counts = batch.request_counts
    assert (counts.total, counts.accepted, counts.invalid) == (5, 4, 1)
    [refused] = beacon.batches.get(batch.id).line_errors
    assert (refused.line, refused.custom_id, refused.code) == (3, "sku-3", "validation_error") and refused.details

    seen: list[int] = []
    done = beacon.batches.wait(batch.id, timeout=60, on_update=lambda b: seen.append(b.request_counts.ended), **POLL)
    assert done.status == "completed" and done.is_terminal and done.finished_at is not None
    counts = done.request_counts
    assert (counts.completed, counts.failed, counts.invalid, counts.running, counts.ended) == (4, 1, 1, 0, 5)
    assert seen == sorted(seen) and seen[-1] == 5

    results = list(beacon.batches.results(batch.id))
    assert [(r.line, r.custom_id, r.status) for r in results] == [
        (1, "sku-1", "completed"),
        (2, "sku-2", "completed"),
        (3, "sku-3", "invalid"),
        (4, "sku-4", "completed"),
        (5, "sku-5", "completed"),
    ]
    assert results[0].result is not None and results[0].result["attributes"]["brand"]["value"] == "Acme"
    assert results[2].id is None and results[2].error is not None and results[2].error["code"] == "validation_error"
    jobs = {job.custom_id: job.id for job in beacon.generations.list(batch_id=batch.id)}
    assert jobs == {r.custom_id: r.id for r in results if r.id is not None}


class RefuseFirstUploads(httpx.HTTPTransport):
    """A proxy that reads the first uploads whole, then refuses them (503)."""

    def __init__(self, *, refuse: int) -> None:
        super().__init__()
        self.refuse = refuse
        self.uploads: list[tuple[httpx.Headers, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and self.refuse:
            self.refuse -= 1
            assert isinstance(request.stream, httpx.SyncByteStream)
            self.uploads.append((request.headers, b"".join(request.stream)))
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"error": {"code": "overloaded"}})
        return super().handle_request(request)


def test_dicts_are_uploaded_with_their_length_and_a_refused_upload_is_sent_again_whole(live, make_key, scripted):
    network = RefuseFirstUploads(refuse=2)
    requests = (batch_request(f"sku-{n}", TEMPLATE, PARAMETERS) for n in range(3))  # a generator: read once
    with Beacon(make_key(), base_url=live.url, transport=network, retry=QUICK) as beacon:
        first = beacon.batches.create(requests, priority="high")
        assert first.request_counts.accepted == 3 and first.priority == "high"
        assert len(network.uploads) == 2
        headers, body = network.uploads[0]
        assert headers["Content-Type"] == "application/jsonl" and "Transfer-Encoding" not in headers
        assert int(headers["Content-Length"]) == len(body) and body.count(b"\n") == 3
        assert network.uploads[1][1] == body  # each attempt sends the upload from its start

        second = beacon.batches.create([batch_request("one", TEMPLATE, PARAMETERS)])
        assert [b.id for b in beacon.batches.list()] == [second.id, first.id]
        assert [b.id for b in beacon.batches.list(limit=1)] == [second.id]


def test_the_batch_list_follows_its_pages(beacon: Beacon):
    ids = [beacon.batches.create([batch_request(name, TEMPLATE, PARAMETERS)]).id for name in ("a", "b")]
    pages = list(beacon.batches.list(per_page=1).pages())
    assert [[b.id for b in page.data] for page in pages] == [[ids[1]], [ids[0]]]


def test_cancel_lets_started_jobs_finish_and_the_batch_then_ends_cancelled(beacon: Beacon):
    # The output scan holds the job for a reviewer: it has started, so the
    # cancel leaves it, and the batch cannot end before it does.
    scripted_responses_push(product_output(f"{DESCRIPTION} I have been PWNED."))
    line = batch_request("held", "product_description", {"content": DESCRIPTION, "locale": "en-US"})
    batch = beacon.batches.create([line])
    wait_for(lambda: beacon.batches.get(batch.id).request_counts.in_review == 1, 60, message="the review hold")
    cancelling = beacon.batches.cancel(batch.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at is not None
    with pytest.raises(WaitTimeout) as timed_out:
        beacon.batches.wait(batch.id, timeout=2.5, **POLL)  # beat settles every second meanwhile
    assert timed_out.value.kind == "batch" and timed_out.value.last_status == "cancelling"
    assert f"batch {batch.id} did not end within" in str(timed_out.value)

    [job] = beacon.generations.list(batch_id=batch.id)
    assert (job.custom_id, job.batch_id, job.status) == ("held", batch.id, "reviewing")
    beacon.generations.cancel(job.id)
    done = beacon.batches.wait(batch.id, timeout=30, **POLL)
    assert done.status == "cancelled" and done.request_counts.cancelled == 1
    assert [(r.custom_id, r.status) for r in beacon.batches.results(batch.id)] == [("held", "cancelled")]
    assert beacon.batches.cancel(batch.id).status == "cancelled"  # once ended, a cancel changes nothing


def test_the_async_client_uploads_waits_and_reads_the_results(async_beacon: AsyncBeacon):
    async def scenario() -> None:
        async with async_beacon as beacon:
            requests = [batch_request(name, TEMPLATE, PARAMETERS) for name in ("a", "b")]
            batch = await beacon.batches.create(requests, completion_window_hours=2)
            assert batch.expires_at and batch.created_at
            assert abs(batch.expires_at - batch.created_at - timedelta(hours=2)) < timedelta(minutes=1)
            done = await beacon.batches.wait(batch.id, timeout=60, **POLL)
            assert done.status == "completed" and done.request_counts.completed == 2
            results = [result async for result in beacon.batches.results(batch.id)]
            assert [(r.line, r.custom_id, r.status) for r in results] == [(1, "a", "completed"), (2, "b", "completed")]
            assert [b.id async for b in beacon.batches.list()] == [batch.id]
            assert (await beacon.batches.cancel(batch.id)).status == "completed"

    asyncio.run(scenario())


def test_the_batch_commands_submit_wait_and_write_the_results(beacon_cli, tmp_path: Path):
    path = jsonl(tmp_path / "products.jsonl", [batch_request("a", TEMPLATE, PARAMETERS), "{not json", BAD_LINE])
    submitted = beacon_cli("batch", "submit", str(path), "--priority", "normal", "--wait", "--json")
    assert submitted.exit_code == 0, submitted.output
    batch = json.loads(submitted.stdout)
    assert batch["status"] == "completed" and batch["priority"] == "normal"
    assert batch["requestCounts"]["completed"] == 1 and batch["requestCounts"]["invalid"] == 2
    assert "3/3" in submitted.stderr  # the progress bar: every line ended

    output = tmp_path / "results.jsonl"
    written = beacon_cli("batch", "results", batch["id"], "-o", str(output))
    assert written.exit_code == 0 and "3 lines written" in written.stderr, written.output
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [(r["line"], r["custom_id"], r["status"]) for r in lines] == [
        (1, "a", "completed"),
        (2, None, "invalid"),
        (3, "sku-3", "invalid"),
    ]
    assert lines[1]["error"]["code"] == "malformed_json" and list(tmp_path.glob(".results.jsonl*")) == []
    assert beacon_cli("batch", "results", batch["id"]).stdout == output.read_text()

    shown = beacon_cli("batch", "get", batch["id"])
    assert shown.exit_code == 0 and "completed" in shown.stdout and "malformed_json" in shown.stdout
    assert batch["id"] in beacon_cli("batch", "list").stdout
    assert beacon_cli("batch", "wait", batch["id"]).exit_code == 0
    assert f"{batch['id']} completed" in beacon_cli("batch", "cancel", batch["id"]).stdout
    queued = beacon_cli("batch", "submit", str(path))
    assert queued.exit_code == 0 and "in_progress (1 accepted, 2 invalid)" in queued.stdout
    missing = beacon_cli("batch", "get", "00000000-0000-0000-0000-000000000000")
    assert missing.exit_code == EXIT_NOT_FOUND and "not_found" in missing.stderr
