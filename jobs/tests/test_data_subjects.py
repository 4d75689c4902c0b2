"""Data-subject requests on planted subjects: their jobs are found by the
identifiers the request supplies (never stored in clear), exported with what
Beacon holds, and erased with a record, a legal hold keeping what it covers."""

import dataclasses
import json
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.testing import client_for, generation_body, job_run_inline
from jobs.models import DataSubjectErasure, Job, SubjectIdentifier
from jobs.services import pipeline
from jobs.services.data_subjects import subject_digest, subject_erase, subject_export, subject_jobs
from jobs.services.legal_holds import legal_hold_place
from llm.scripted import scripted_responses_push
from prompts.task_kinds import task_kinds
from review.services import review_approve, review_claim

pytestmark = pytest.mark.django_db

JANE = "Review by Jane Doe (jane.doe@example.com): lovely kettle, call +44 20 7946 0958."
JANE_AGAIN = "JANE.DOE@EXAMPLE.COM wrote: the lid is flimsy."
JOHN = "Review by John Baker (john.baker@example.com): fine kettle."


def _job(client, content: str, restore: bool = False) -> str:
    body = generation_body("moderation_summary", content=content)
    job_id = client.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    scripted_responses_push(json.dumps({"verdict": "allow", "summary": "A review; contact <EMAIL_1>."}))
    kind = dataclasses.replace(task_kinds()["moderation_summary"], restore_pii=restore)
    with mock.patch.object(pipeline, "task_kind_of", return_value=kind):
        job_run_inline(job_id)
        job = Job.objects.get(pk=job_id)
        if job.status == "reviewing":  # published personal data: a person approves it as is
            reviewer, _ = User.objects.get_or_create(username="rita", defaults={"is_staff": True})
            review_claim(task_id=job.review_task.id, user=reviewer)
            review_approve(task_id=job.review_task.id, user=reviewer)
            job_run_inline(job_id)
    assert Job.objects.get(pk=job_id).status == "completed"
    return job_id


@pytest.fixture
def planted(org_factory, scripted):
    org, key = org_factory("acme")
    client = client_for(key)
    jobs = {
        "jane": _job(client, JANE, restore=True),
        "jane_again": _job(client, JANE_AGAIN),
        "john": _job(client, JOHN),
    }
    other_org, other_key = org_factory("globex")
    jobs["jane_elsewhere"] = _job(client_for(other_key), JANE)
    return org, other_org, jobs


def test_identifiers_are_stored_only_as_keyed_hashes_and_find_the_subjects_jobs(planted):
    org, other_org, jobs = planted
    stored = list(SubjectIdentifier.objects.filter(job_id=jobs["jane"]).values_list("label", "digest"))
    assert {label for label, _ in stored} >= {"EMAIL", "PHONE"}
    assert all("jane" not in digest and len(digest) == 64 for _, digest in stored)
    assert subject_digest("jane.doe@example.com") == subject_digest("  JANE.DOE@example.com ")
    assert subject_digest("+44 20 7946 0958") == subject_digest("+44 (20) 7946-0958")
    found = {str(job.id) for job in subject_jobs(organization=org, identifiers=["Jane.Doe@example.com"])}
    assert found == {jobs["jane"], jobs["jane_again"]}  # not John's, not another organization's
    by_phone = {str(job.id) for job in subject_jobs(organization=org, identifiers=["+442079460958"])}
    assert by_phone == {jobs["jane"]}
    assert {str(j.id) for j in subject_jobs(organization=other_org, identifiers=["jane.doe@example.com"])} == {
        jobs["jane_elsewhere"]
    }


def test_the_export_holds_the_input_the_result_and_the_history(planted):
    org, _, jobs = planted
    export = subject_export(organization=org, identifiers=["jane.doe@example.com"])
    by_id = {item["job"]["id"]: item for item in export["jobs"]}
    assert set(by_id) == {jobs["jane"], jobs["jane_again"]}
    assert "jane.doe@example.com" in json.dumps(by_id[jobs["jane"]]["input"])
    assert by_id[jobs["jane"]]["output"]["summary"] == "A review; contact jane.doe@example.com."
    assert by_id[jobs["jane"]]["events"][0]["type"] == "submitted"


def test_erasure_purges_the_input_restores_placeholders_and_keeps_a_record(planted):
    org, _, jobs = planted
    legal_hold_place(organization=org, job=Job.objects.get(pk=jobs["jane_again"]), reason="case", placed_by="t")
    erasure = subject_erase(
        organization=org, identifiers=["jane.doe@example.com"], reference="DSR-17", requested_by="test"
    )
    assert erasure.erased == [jobs["jane"]] and erasure.held == [jobs["jane_again"]]
    jane = Job.objects.get(pk=jobs["jane"])
    assert bytes(jane.payload.raw) == b"" and jane.payload.purged_at is not None
    assert (jane.result.output or {})["summary"] == "A review; contact <EMAIL_1>."  # the restored value is gone
    assert not SubjectIdentifier.objects.filter(job=jane).exists()
    assert jane.events.filter(type="subject_erased").get().data == {"reference": "DSR-17"}
    held = Job.objects.get(pk=jobs["jane_again"])
    assert bytes(held.payload.raw) != b""  # the hold keeps it
    record = DataSubjectErasure.objects.get()
    assert (record.reference, record.erased_jobs, record.held_jobs) == ("DSR-17", [jobs["jane"]], [jobs["jane_again"]])
    assert bytes(Job.objects.get(pk=jobs["john"]).payload.raw) != b""  # nobody else's data goes
    assert bytes(Job.objects.get(pk=jobs["jane_elsewhere"]).payload.raw) != b""


def test_the_command_finds_exports_and_erases(planted, tmp_path):
    _, _, jobs = planted
    out = StringIO()
    call_command("data_subject", "find", "--org", "acme", "--identifier", "jane.doe@example.com", stdout=out)
    assert jobs["jane"] in out.getvalue() and "2 job(s)" in out.getvalue()
    target = tmp_path / "jane.json"
    call_command("data_subject", "export", "--org", "acme", "--identifier", "jane.doe@example.com",
                 "--output", str(target), stdout=StringIO())  # fmt: skip
    assert len(json.loads(target.read_text())["jobs"]) == 2
    with pytest.raises(CommandError, match="reference"):
        call_command("data_subject", "erase", "--org", "acme", "--identifier", "jane.doe@example.com")
    out = StringIO()
    call_command("data_subject", "erase", "--org", "acme", "--identifier", "jane.doe@example.com",
                 "--reference", "DSR-18", stdout=out)  # fmt: skip
    assert "2 job(s) erased" in out.getvalue()


def test_an_operator_erases_from_admin_without_the_identifier_being_stored(planted, client):
    org, _, jobs = planted
    client.force_login(User.objects.create_superuser("ops", password="x"))
    response = client.post(
        "/admin/jobs/datasubjecterasure/add/",
        {"organization": str(org.id), "reference": "DSR-19", "identifiers": "jane.doe@example.com\n"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    record = DataSubjectErasure.objects.get()
    assert record.reference == "DSR-19" and set(record.erased_jobs) == {jobs["jane"], jobs["jane_again"]}
    assert record.requested_by == "admin/ops"
    assert "jane.doe" not in json.dumps(list(DataSubjectErasure.objects.values()), default=str)


def test_a_redriven_job_prepares_again_without_doubling_its_identifiers(org_factory, scripted):
    from jobs.models import DeadLetter
    from jobs.services.lifecycle import dead_letter_redrive

    _, key = org_factory("acme")
    body = generation_body("moderation_summary", content=JANE)
    job_id = client_for(key).post("/api/v1/generations", body, format="json").json()["data"]["id"]
    scripted_responses_push("nope", "still nope", "not even now")  # three unusable answers: dead-lettered
    job_run_inline(job_id)
    first = sorted(SubjectIdentifier.objects.filter(job_id=job_id).values_list("label", "digest"))
    assert {label for label, _ in first} >= {"EMAIL", "PHONE"}
    dead_letter_redrive(dead_letter_id=DeadLetter.objects.get(job_id=job_id).id)
    scripted_responses_push(json.dumps({"verdict": "allow", "summary": "A review of a kettle."}))
    job_run_inline(job_id)
    assert sorted(SubjectIdentifier.objects.filter(job_id=job_id).values_list("label", "digest")) == first
