"""The dashboard's numbers are the monitors' definitions over one
organization's jobs, day by day, with the thresholds drawn."""

import pytest

from beacon.testing import generation_body, job_run_inline
from studio.charts import line_chart
from studio.quality import quality_dashboard
from tenants.models import Organization
from tenants.services import organization_ensure

pytestmark = pytest.mark.django_db


def test_jobs_of_the_organization_become_daily_series_with_thresholds(api, scripted, editor):
    for content in ("Blue cotton shirt by Acme, size M", "Green wool hat"):
        job_run_inline(
            api.post("/api/v1/generations", generation_body(content=content), format="json").json()["data"]["id"]
        )
    acme = Organization.objects.get(slug="acme")
    board = quality_dashboard(organization=acme, days=7)
    assert board.jobs_read == 2 and len(board.days) == 7
    group = board.groups[0]
    series = {s.metric: s for s in group.series}
    assert series["validationPassRate"].latest == 1.0
    assert series["validationPassRate"].threshold is not None and series["validationPassRate"].threshold.limit == 0.9
    assert series["slaWithin2Minutes"].latest == 1.0 and series["p95LatencySeconds"].latest is not None
    assert [jobs for _, _, jobs in series["validationPassRate"].points][-1] == 2
    chart = line_chart(series["validationPassRate"], board.days)
    assert chart.threshold_y is not None and chart.points and chart.threshold_label == "gate: at least 90%"
    page = editor.get("/studio/quality/").content.decode()
    assert "Validation pass rate" in page and 'class="threshold"' in page
    drill = editor.get(f"/studio/quality/versions/{group.version.id}/jobs").content.decode()
    assert "2 most recent job(s) of acme" in drill


def test_another_organizations_jobs_are_not_counted(api, scripted):
    job_run_inline(api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"])
    board = quality_dashboard(organization=organization_ensure(slug="globex"), days=7)
    assert board.jobs_read == 0 and board.groups == []
