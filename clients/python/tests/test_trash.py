"""The trash through the client, sync and async: delete a job, list it,
restore it; a restore after the grace period raises Gone."""

import asyncio
from datetime import timedelta

import pytest
from beacon_client import AsyncBeacon, Beacon, Gone, InvalidState, NotFound
from django.utils import timezone

from beacon.testing import generation_body
from jobs.models import Job

BODY = generation_body()
TEMPLATE, PARAMETERS = BODY["templateId"], BODY["parameters"]


def test_a_job_goes_to_the_trash_and_comes_back(beacon: Beacon):
    with beacon:
        job = beacon.generations.create(TEMPLATE, PARAMETERS)
        beacon.generations.wait(job.id, timeout=60)
        moved = beacon.trash.put("job", job.id)
        assert moved.kind == "job" and moved.id == job.id and moved.restorable_until is not None
        with pytest.raises(NotFound):
            beacon.generations.get(job.id)
        assert [(item.kind, item.id) for item in beacon.trash.list()] == [("job", job.id)]
        assert beacon.trash.restore("job", job.id).deleted_at is None
        assert beacon.generations.get(job.id).status == "completed"
        with pytest.raises(InvalidState):  # not in the trash any more
            beacon.trash.restore("job", job.id)
        beacon.trash.put("job", job.id)
        Job.objects.filter(pk=job.id).update(deleted_at=timezone.now() - timedelta(days=31))
        with pytest.raises(Gone) as closed:
            beacon.trash.restore("job", job.id)
        assert closed.value.code == "restore_window_closed"


def test_the_async_client_uses_the_trash_too(async_beacon: AsyncBeacon):
    async def scenario() -> None:
        async with async_beacon as beacon:
            job = await beacon.generations.create(TEMPLATE, PARAMETERS)
            await beacon.generations.wait(job.id, timeout=60)
            await beacon.trash.put("result", job.id)
            assert (await beacon.generations.get(job.id)).result is None
            assert [item.kind for item in await beacon.trash.list()] == ["result"]
            await beacon.trash.restore("result", job.id)
            assert (await beacon.generations.get(job.id)).result is not None

    asyncio.run(scenario())
