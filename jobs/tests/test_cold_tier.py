"""The cold tier: warm jobs join their organization's monthly archive (a
tar.gz with a manifest of checksums), the API answers 410 with the restore
command, and a restore from cold brings the job back exactly; warm jobs
still stream their events and list their output versions from the archive."""

import hashlib
import io
import json
import tarfile
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import F

from beacon.celery import app
from beacon.testing import generation_body, job_run_inline, jobs_age, streamed_text, wait_for, wait_terminal
from jobs.models import ColdArchive, Job, JobArchive, JobEvent
from jobs.services import cold_tier, tiers
from jobs.services.legal_holds import legal_hold_place

pytestmark = pytest.mark.django_db


def _warm(api, count: int = 1) -> list[str]:
    ids = []
    for _ in range(count):
        job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
        job_run_inline(job_id)
        ids.append(job_id)
    jobs_age(ids, timedelta(days=400))
    assert tiers.jobs_move_warm() == count
    return ids


def test_warm_jobs_go_cold_into_a_monthly_archive_with_a_manifest(api, scripted):
    ids = _warm(api, 3)
    warm_keys = list(JobArchive.objects.values_list("key", flat=True))
    assert cold_tier.jobs_move_cold() == 3
    (cold,) = ColdArchive.objects.all()
    assert cold.jobs == 3 and cold.part == 1 and cold.key.endswith("part-0001.tar.gz")
    assert all(not tiers.archive_storage().exists(key) for key in warm_keys)  # deleted after the commit
    with tiers.archive_storage().open(cold.key, "rb") as handle:
        blob = handle.read()
    assert hashlib.sha256(blob).hexdigest() == cold.sha256
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert sorted(m["job"] for m in manifest["members"]) == sorted(ids)
        for member in manifest["members"]:
            content = tar.extractfile(member["name"]).read()  # type: ignore[union-attr]
            assert hashlib.sha256(content).hexdigest() == member["sha256"]
    assert set(Job.objects.filter(pk__in=ids).values_list("storage_tier", flat=True)) == {"cold"}
    assert cold_tier.jobs_move_cold() == 0  # idempotent


def test_a_cold_job_answers_410_with_its_status_and_the_restore_command(api, scripted):
    (job_id,) = _warm(api)
    cold_tier.jobs_move_cold()
    for path in ("", "/events", "/history", "/diff", "/stream"):
        answer = api.get(f"/api/v1/generations/{job_id}{path}")
        assert answer.status_code == 410, path
        error = answer.json()["error"]
        assert error["code"] == "job_archived"
        assert {"field": "status", "message": "completed"} in error["details"]
        assert f"storage_tiers restore --job {job_id}" in error["message"]
    # Still found by the words of its output: the search row stays.
    assert job_id in [row["id"] for row in api.get("/api/v1/generations", {"q": "Acme"}).json()["data"]]


def test_a_restore_from_cold_is_exact(api, scripted):
    ids = _warm(api, 2)
    documents = {job_id: tiers.job_document(Job.objects.get(pk=job_id)) for job_id in ids}
    cold_tier.jobs_move_cold()
    out = StringIO()
    call_command("storage_tiers", "restore", "--job", ids[0], stdout=out)
    assert "restored hot from the cold archive" in out.getvalue()
    job = Job.objects.get(pk=ids[0])
    assert job.storage_tier == "hot" and job.result.output == documents[ids[0]]["result"]["output"]
    events = api.get(f"/api/v1/generations/{ids[0]}/events").json()["data"]
    assert events == documents[ids[0]]["events"]
    assert Job.objects.get(pk=ids[1]).storage_tier == "cold"  # the archive is never rewritten
    assert ColdArchive.objects.get().jobs == 2


def test_a_corrupt_cold_archive_refuses_a_restore_and_the_job_stays_cold(api, scripted):
    (job_id,) = _warm(api)
    cold_tier.jobs_move_cold()
    cold = ColdArchive.objects.get()
    storage = tiers.archive_storage()
    storage.delete(cold.key)
    storage.save(cold.key, ContentFile(b"junk"))
    with pytest.raises(tiers.ArchiveError):
        cold_tier.job_restore_warm(Job.objects.get(pk=job_id))
    assert Job.objects.get(pk=job_id).storage_tier == "cold"


def test_a_hold_keeps_a_job_warm_and_a_failed_archive_write_leaves_jobs_warm(api, scripted, org_factory, monkeypatch):
    org, _ = org_factory("acme")
    held, other = _warm(api, 2)
    legal_hold_place(organization=org, job=Job.objects.get(pk=held), reason="case", placed_by="t")

    real = tiers.archive_storage()

    class Refusing:
        def __getattr__(self, name):
            return getattr(real, name)

        def save(self, key, content):
            if key.startswith("cold/"):
                raise OSError("the bucket is read-only")
            return real.save(key, content)

    monkeypatch.setattr(cold_tier, "archive_storage", lambda: Refusing())
    assert cold_tier.jobs_move_cold() == 0
    assert Job.objects.get(pk=other).storage_tier == "warm"
    assert tiers.job_document(Job.objects.get(pk=other))["job"]["id"] == other  # still readable
    monkeypatch.undo()
    assert cold_tier.jobs_move_cold() == 1
    assert Job.objects.get(pk=held).storage_tier == "warm"


def test_a_warm_job_streams_its_archived_events_and_lists_its_output_versions(api, scripted):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    hot_events = api.get(f"/api/v1/generations/{job_id}/events").json()["data"]
    hot_diff = api.get(f"/api/v1/generations/{job_id}/diff").json()["data"]
    assert hot_diff["versions"]
    jobs_age([job_id], timedelta(days=100))
    assert tiers.jobs_move_warm() == 1
    assert not JobEvent.objects.filter(job_id=job_id).exists()

    warm_diff = api.get(f"/api/v1/generations/{job_id}/diff").json()["data"]
    assert warm_diff == hot_diff
    stream = api.get(f"/api/v1/generations/{job_id}/stream", HTTP_ACCEPT="text/event-stream")
    assert stream.status_code == 200
    body = streamed_text(stream)
    ids = [int(line[4:]) for line in body.splitlines() if line.startswith("id: ")]
    assert ids == [event["id"] for event in hot_events]
    assert body.rstrip().endswith('data: {"status": "completed"}')
    # Resuming after an event sends only the later ones.
    resumed = api.get(
        f"/api/v1/generations/{job_id}/stream", HTTP_ACCEPT="text/event-stream", HTTP_LAST_EVENT_ID=str(ids[-2])
    )
    later = streamed_text(resumed)
    assert [int(line[4:]) for line in later.splitlines() if line.startswith("id: ")] == ids[-1:]


@pytest.mark.slow
def test_tier_moves_and_the_trash_purge_run_as_beat_tasks_on_a_real_worker(api, start_worker):
    """The lifecycle's beat tasks through a real worker, broker and database:
    warm, then cold, then a restore; a deleted job skips the tiers and is
    purged after its grace period."""
    start_worker(LLM_PROVIDER="scripted", BEACON_TEST_ARCHIVE_DIR=tiers.archive_storage().location)
    kept, deleted = (api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
                     for _ in range(2))  # fmt: skip
    assert wait_terminal(kept) == wait_terminal(deleted) == "completed"
    output = api.get(f"/api/v1/generations/{kept}").json()["data"]["result"]
    jobs_age([kept, deleted], timedelta(days=400))
    api.post("/api/v1/trash", {"kind": "job", "id": deleted}, format="json")
    Job.objects.filter(pk=deleted).update(deleted_at=F("deleted_at") - timedelta(days=31))

    app.send_task("jobs.tiers_move_warm")
    wait_for(lambda: Job.objects.get(pk=kept).storage_tier == "warm", 30, message="the warm move")
    app.send_task("jobs.tiers_move_cold")
    wait_for(lambda: Job.objects.get(pk=kept).storage_tier == "cold", 30, message="the cold move")
    app.send_task("jobs.trash_purge")
    wait_for(lambda: Job.objects.get(pk=deleted).content_purged_at, 30, message="the trash purge")
    assert Job.objects.get(pk=deleted).storage_tier == "hot"  # never archived: it was in the trash
    assert api.get(f"/api/v1/generations/{kept}").status_code == 410

    call_command("storage_tiers", "restore", "--job", kept, stdout=StringIO())
    assert api.get(f"/api/v1/generations/{kept}").json()["data"]["result"] == output
