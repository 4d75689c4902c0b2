"""Reviewer decisions flow back: the JSONL export, the rates endpoint and
the Prometheus gauges."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from beacon.metrics import REGISTRY
from review.models import ReviewTask
from review.services import review_approve, review_claim, review_reject
from review.tests.factories import DESCRIPTION

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(api, scripted, held_job):
    rita = get_user_model().objects.create_user("rita")
    approved, rejected, waiting = held_job(), held_job(), held_job()
    edit = {**approved.result.output, "description": DESCRIPTION}
    review_claim(task_id=approved.review_task.id, user=rita)
    review_approve(task_id=approved.review_task.id, user=rita, output=edit)
    review_claim(task_id=rejected.review_task.id, user=rita)
    review_reject(task_id=rejected.review_task.id, user=rita, reason="injection")
    return approved, rejected, waiting


def test_the_export_holds_input_outputs_and_decision_per_task(decided, tmp_path):
    approved, rejected, _ = decided
    out = tmp_path / "decisions.jsonl"
    call_command("review_export", "--out", str(out))
    rows = {row["jobId"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {str(approved.id), str(rejected.id)}
    row = rows[str(approved.id)]
    assert row["decision"] == "edited" and row["finalOutput"]["description"] == DESCRIPTION
    assert row["modelOutput"]["description"].endswith("PWNED.") and row["input"]["content"] == DESCRIPTION
    assert row["reviewer"] == "rita" and row["reasons"] == ["instruction_marker"] and row["model"]
    assert rows[str(rejected.id)]["finalOutput"] is None and rows[str(rejected.id)]["rejectReason"] == "injection"
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    call_command("review_export", "--out", str(out), "--since", tomorrow)
    assert out.read_text() == ""


def test_rates_per_template_version_and_model(decided, api):
    response = api.get("/api/v1/review/metrics?groupBy=templateVersion")
    assert response.status_code == 200
    (row,) = response.json()["data"]
    assert row["key"].startswith("product_description@")
    assert (row["reviewed"], row["decided"], row["edited"], row["rejected"]) == (3, 2, 1, 1)
    assert row["rejectionRate"] == 0.5 and row["reviewRate"] == 1.0
    by_model = api.get("/api/v1/review/metrics?groupBy=model").json()["data"]
    assert by_model[0]["reviewed"] == 3
    assert api.get("/api/v1/review/metrics?groupBy=colour").status_code == 422


def test_gauges_show_backlog_overdue_and_rejection_rate(decided):
    _, _, waiting = decided
    ReviewTask.objects.filter(job=waiting).update(due_at=timezone.now() - timedelta(minutes=1))
    assert REGISTRY.get_sample_value("beacon_review_backlog", {"task_kind": "product_description"}) == 1
    assert REGISTRY.get_sample_value("beacon_review_overdue", {"task_kind": "product_description"}) == 1
    assert REGISTRY.get_sample_value("beacon_review_rejection_rate_7d", {"task_kind": "product_description"}) == 0.5
