"""Storage tiers: an ended job moves warm (its result and events to object
storage, verified before the database is thinned), reads stay transparent,
search still finds it, a hold keeps it hot, and a restore is exact."""

import gzip
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from beacon.testing import generation_body, job_run_inline, jobs_age
from jobs.models import Job, JobArchive, JobEvent
from jobs.services import tiers
from jobs.services.legal_holds import legal_hold_place

pytestmark = pytest.mark.django_db


def _ended(api, count: int = 1, **parameters) -> list[str]:
    ids = []
    for _ in range(count):
        body = generation_body(**parameters)
        job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
        job_run_inline(job_id)
        ids.append(job_id)
    jobs_age(ids, timedelta(days=100))
    return ids


def test_a_job_moves_warm_and_reads_the_same_from_object_storage(api, scripted):
    (job_id,) = _ended(api)
    hot = api.get(f"/api/v1/generations/{job_id}")
    events_before = api.get(f"/api/v1/generations/{job_id}/events").json()["data"]
    history_before = api.get(f"/api/v1/generations/{job_id}/history").json()["data"]
    assert hot["Beacon-Storage-Tier"] == "hot"

    assert tiers.jobs_move_warm() == 1
    job = Job.objects.get(pk=job_id)
    assert job.storage_tier == "warm" and job.result.output is None
    assert not JobEvent.objects.filter(job_id=job_id).exists()  # thinned
    archive = JobArchive.objects.get(job_id=job_id)
    with tiers.archive_storage().open(archive.key, "rb") as handle:
        document = json.loads(gzip.decompress(handle.read()))
    assert document["result"]["output"] == hot.json()["data"]["result"]

    warm = api.get(f"/api/v1/generations/{job_id}")
    assert warm["Beacon-Storage-Tier"] == "warm"
    assert warm.json()["data"]["result"] == hot.json()["data"]["result"]
    assert api.get(f"/api/v1/generations/{job_id}/events").json()["data"] == events_before
    history = api.get(f"/api/v1/generations/{job_id}/history").json()["data"]
    assert {**history, "at": None} == {**history_before, "at": None}  # rebuilt from the archived events
    # Still found by the words of its output, without reading the archive.
    found = api.get("/api/v1/generations", {"q": "Acme"}).json()["data"]
    assert job_id in [row["id"] for row in found]
    assert tiers.jobs_move_warm() == 0  # idempotent


def test_a_restore_is_exact_and_a_hold_keeps_a_job_hot(api, scripted, org_factory):
    org, _ = org_factory("acme")
    moved, held = _ended(api, 2)
    legal_hold_place(organization=org, job=Job.objects.get(pk=held), reason="case", placed_by="t")
    before = list(JobEvent.objects.filter(job_id=moved).order_by("id").values())
    output = Job.objects.get(pk=moved).result.output
    assert tiers.jobs_move_warm() == 1
    assert Job.objects.get(pk=held).storage_tier == "hot"
    key = JobArchive.objects.get(job_id=moved).key

    out = StringIO()
    call_command("storage_tiers", "restore", "--job", moved, stdout=out)
    assert "restored hot" in out.getvalue()
    job = Job.objects.get(pk=moved)
    assert job.storage_tier == "hot" and job.result.output == output
    assert list(JobEvent.objects.filter(job_id=moved).order_by("id").values()) == before  # ids and times too
    assert not JobArchive.objects.filter(job_id=moved).exists() and not tiers.archive_storage().exists(key)


def test_a_corrupt_archive_is_refused_with_a_clear_error_and_nothing_is_lost(api, scripted):
    (job_id,) = _ended(api)
    tiers.jobs_move_warm()
    archive = JobArchive.objects.get(job_id=job_id)
    storage = tiers.archive_storage()
    storage.delete(archive.key)
    storage.save(archive.key, ContentFile(b"junk"))
    answer = api.get(f"/api/v1/generations/{job_id}")
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "archive_unavailable"
    with pytest.raises(tiers.ArchiveError):
        tiers.job_restore_hot(Job.objects.get(pk=job_id))
    assert Job.objects.get(pk=job_id).storage_tier == "warm"  # still recorded where it is


def test_a_failed_write_leaves_the_job_hot(api, scripted, monkeypatch):
    (job_id,) = _ended(api)

    class Refusing:
        def exists(self, key):
            return False

        def save(self, key, content):
            raise OSError("the bucket is read-only")

    monkeypatch.setattr(tiers, "archive_storage", lambda: Refusing())
    assert tiers.jobs_move_warm() == 0
    job = Job.objects.get(pk=job_id)
    assert job.storage_tier == "hot" and job.result.output is not None
    assert JobEvent.objects.filter(job_id=job_id).exists()


def test_the_command_moves_and_reports(api, scripted):
    _ended(api, 2)
    out = StringIO()
    call_command("storage_tiers", "move", stdout=out)
    assert "2 job(s) moved warm" in out.getvalue()
    out = StringIO()
    call_command("storage_tiers", "status", stdout=out)
    assert "warm" in out.getvalue() and "warm documents:" in out.getvalue() and "cold archives:" in out.getvalue()
