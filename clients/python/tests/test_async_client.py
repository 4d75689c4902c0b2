"""The async client against a running Beacon (same stack as test_client.py)."""

import asyncio

import pytest
from beacon_client import AsyncBeacon, IdempotencyConflict, NotFound, WaitTimeout

from beacon.testing import generation_body

BODY = generation_body()
TEMPLATE, PARAMETERS = BODY["templateId"], BODY["parameters"]


def test_the_async_client_submits_waits_lists_and_streams(async_beacon: AsyncBeacon):
    async def scenario() -> None:
        async with async_beacon as beacon:
            jobs = await asyncio.gather(*(beacon.generations.create(TEMPLATE, PARAMETERS) for _ in range(3)))
            assert len({job.id for job in jobs}) == 3 and {job.status for job in jobs} == {"queued"}
            polled = await beacon.generations.wait(jobs[0].id, timeout=60)
            streamed = await beacon.generations.wait(jobs[1].id, timeout=60, poll=False)
            assert polled.status == streamed.status == "completed"
            assert polled.result is not None and polled.result["attributes"]["size"]["value"] == "M"
            listed = [job.id async for job in beacon.generations.list(per_page=2)]
            assert sorted(listed) == sorted(job.id for job in jobs)
            pages = [page async for page in beacon.generations.list(per_page=2).pages()]
            assert [len(page.data) for page in pages] == [2, 1]
            events = [event async for event in beacon.generations.stream(jobs[1].id)]
            assert events[0].type == "submitted" and events[-1].to_status == "completed"
            assert [e.id for e in events] == [e.id for e in await beacon.generations.events(jobs[1].id)]

    asyncio.run(scenario())


def test_the_async_client_raises_the_same_errors(async_beacon: AsyncBeacon):
    async def scenario() -> None:
        async with async_beacon as beacon:
            with pytest.raises(NotFound):
                await beacon.generations.get("00000000-0000-0000-0000-000000000000")
            first = await beacon.generations.create(TEMPLATE, PARAMETERS, idempotency_key="async-1")
            assert (await beacon.generations.create(TEMPLATE, PARAMETERS, idempotency_key="async-1")).id == first.id
            with pytest.raises(IdempotencyConflict):
                await beacon.generations.create(TEMPLATE, {**PARAMETERS, "locale": "de-DE"}, idempotency_key="async-1")
            fresh = await beacon.generations.create(TEMPLATE, PARAMETERS)
            with pytest.raises(WaitTimeout) as timed_out:  # no pipeline ends in 10 ms
                await beacon.generations.wait(fresh.id, timeout=0.01)
            assert timed_out.value.job_id == fresh.id and timed_out.value.last_status
            templates = await beacon.templates.list().to_list()
            assert "taxonomy_tagging" in {t.name for t in templates}
            assert (await beacon.templates.get("taxonomy_tagging")).task_kind == "taxonomy_tagging"

    asyncio.run(scenario())
