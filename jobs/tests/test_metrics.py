"""`GET /metrics`: Beacon's collectors and the HTTP metrics per view."""

import pytest

from beacon.testing import generation_body, job_run_inline

pytestmark = pytest.mark.django_db


def test_metrics_show_jobs_stages_sla_model_calls_queues_and_http(api, scripted, ops):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    api.post("/api/v1/generations", generation_body(), format="json")  # one left queued
    text = ops.get("/metrics").content.decode()
    assert 'beacon_jobs_in_flight{status="queued",task_kind="metadata_enrichment"} 1.0' in text
    assert 'beacon_jobs_ended_window{status="completed",task_kind="metadata_enrichment"} 1.0' in text
    assert 'beacon_stage_latency_seconds_gcount{stage="generate",task_kind="metadata_enrichment"} 1.0' in text
    assert 'beacon_stage_latency_seconds_bucket{le="+Inf",stage="validate",task_kind="metadata_enrichment"}' in text
    assert 'beacon_sla_attainment{sla="2m",task_kind="metadata_enrichment"} 1.0' in text
    assert 'beacon_model_calls_total{deployment="local-small",outcome="ok",tier="small"} 1.0' in text
    assert 'beacon_model_tokens_total{deployment="local-small",kind="prompt",outcome="ok",tier="small"}' in text
    assert 'beacon_queue_depth{queue="webhooks"}' in text and "beacon_jobs_stuck 0.0" in text
    assert "beacon_review_backlog" in text or "# TYPE beacon_review_backlog gauge" in text
    assert (
        'django_http_responses_total_by_status_view_method_total{method="POST",status="202",view="generations"}' in text
    )


def test_every_metric_the_dashboard_and_alert_rules_use_is_exported(api, scripted, ops, settings):
    """docker/grafana and docker/prometheus name metrics by hand; a renamed
    metric must fail here, not on a dark dashboard."""
    import json
    import re
    from pathlib import Path

    import yaml

    settings.LLM_GLOBAL_MONTHLY_BUDGET_USD = 100
    api.post("/api/v1/generations", generation_body(), format="json")
    exported = ops.get("/metrics").content.decode()
    families = set(re.findall(r"^# TYPE (\S+) ", exported, flags=re.MULTILINE))
    docker = Path(settings.BASE_DIR) / "docker"
    rules = yaml.safe_load((docker / "prometheus" / "alerts.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((docker / "grafana" / "dashboards" / "beacon.json").read_text())
    expressions += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {name for expr in expressions for name in re.findall(r"\b(beacon_[a-z0-9_]+|django_http_[a-z0-9_]+)", expr)}
    suffixes = ("_bucket", "_total", "_gcount", "_gsum", "_count", "_sum")

    def exported_as(name: str) -> bool:
        return name in families or any(name.endswith(s) and name[: -len(s)] in families for s in suffixes)

    missing = {name for name in used if not exported_as(name)}
    assert not missing, missing
    assert len(rules["groups"][0]["rules"]) >= 5 and len(dashboard["panels"]) >= 12
