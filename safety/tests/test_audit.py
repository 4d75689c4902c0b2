"""The PII audit finds planted PII, and finds none after the pipeline's redaction."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from beacon.testing import generation_body
from jobs.models import Job, JobEvent
from jobs.services import pipeline
from safety.audit import scan_text

pytestmark = pytest.mark.django_db
CONTENT = "Review by Mr. John Baker (john.baker@example.com), call +1 415 555 0100."


def _run(api, content):
    job_id = api.post("/api/v1/generations", generation_body("moderation_summary", content=content),
                      format="json").json()["data"]["id"]  # fmt: skip
    for stage in (pipeline.prepare_run, pipeline.assemble_run, pipeline.generate_run, pipeline.validate_run,
                  pipeline.decide_run, pipeline.finalize_run):  # fmt: skip
        stage(job_id=job_id)
    return job_id


def test_a_pipeline_run_leaves_no_pii_behind(api, scripted):
    _run(api, CONTENT)
    out = StringIO()
    call_command("pii_audit", stdout=out)
    assert "no PII found" in out.getvalue()


def test_planted_pii_is_found_in_tables_and_logs(api, scripted, tmp_path):
    job_id = _run(api, "A plain kettle review.")
    JobEvent.objects.create(job_id=job_id, type="note", data={"who": "jane.doe@example.com"})
    log = tmp_path / "worker.log"
    log.write_text("ok line\nfailed for card 4111 1111 1111 1111\n")
    out = StringIO()
    with pytest.raises(CommandError, match="2 PII finding"):
        call_command("pii_audit", "--logs", str(log), stdout=out)
    report = out.getvalue()
    assert "jobs_jobevent#" in report and "EMAIL_ADDRESS ja" in report and "jane.doe@example.com" not in report
    assert f"{log}:2: CREDIT_CARD" in report
    assert Job.objects.filter(pk=job_id).exists()


def test_the_times_beacon_writes_are_not_phone_numbers():
    """A status event's `startedAt` ("...T20:57:49.691881+00:00") once read as
    a phone number, depending on the clock's microseconds."""
    assert scan_text("e", '{"startedAt": "2026-11-30T20:57:49.691881+00:00"}') == []
    assert scan_text("log", "2026-11-30 20:57:49.691881Z job failed") == []
    found = scan_text("e", '{"startedAt": "2026-11-30T20:57:49.691881+00:00", "who": "jane.doe@example.com"}')
    assert [f.entity for f in found] == ["EMAIL_ADDRESS"]
