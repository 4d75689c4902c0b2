"""Data residency: deployments declare a region, an organization lists the
regions its data may go to, and routing never sends a job elsewhere; the job,
the ledger and usage say where it ran."""

from typing import Any

import pytest

from beacon.testing import client_for, generation_body, job_run_inline
from jobs.models import Job
from llm.models import ModelCall
from llm.registry import registry_from
from llm.routing import NoDeploymentError, RouteRequest, route
from tenants.models import Organization

REGIONS: list[dict[str, Any]] = [
    {"name": "us-small", "tier": "small", "model": "openai/us-small", "region": "us-east"},
    {"name": "eu-small", "tier": "small", "model": "openai/eu-small", "region": "eu-west", "weight": 1},
    {"name": "us-large", "tier": "large", "model": "openai/us-large", "region": "us-east"},
]


def _request(**fields):
    values = {"task_kind": "metadata_enrichment", "default_tier": "small", "input_tokens": 10, "max_tokens": 10,
              "routing_key": "job-1", **fields}  # fmt: skip
    return RouteRequest(**values)


def test_routing_keeps_only_deployments_in_the_allowed_regions_and_says_why():
    registry = registry_from(REGIONS)
    anywhere = route(_request(), registry=registry, is_open=lambda n: False)
    assert set(anywhere.candidates) == {"us-small", "eu-small", "us-large"}
    eu = route(_request(allowed_regions=("eu-west",)), registry=registry, is_open=lambda n: False)
    assert eu.candidates == ("eu-small",)
    assert "outside the organization's allowed regions" in eu.skipped["us-small"]
    large_eu = route(_request(default_tier="large", allowed_regions=("eu-west",)), registry=registry,
                     is_open=lambda n: False)  # fmt: skip
    assert large_eu.candidates == ("eu-small",)  # the other tier's deployment in the region, as the fallback
    assert "no large deployment in the allowed regions (eu-west)" in large_eu.reasons
    with pytest.raises(NoDeploymentError) as refused:
        route(_request(allowed_regions=("ap-south",)), registry=registry, is_open=lambda n: False)
    assert refused.value.code == "region_not_allowed"


@pytest.mark.django_db
def test_a_job_of_an_eu_only_organization_runs_in_the_eu_and_reports_it(org_factory, scripted):
    scripted.LLM_DEPLOYMENTS = REGIONS
    org, key = org_factory("eu-co")
    Organization.objects.filter(pk=org.pk).update(allowed_regions=["eu-west"])
    api = client_for(key)
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    answer = api.get(f"/api/v1/generations/{job_id}").json()["data"]
    assert answer["status"] == "completed" and answer["region"] == "eu-west"
    assert set(ModelCall.objects.filter(job_id=job_id).values_list("deployment", "region")) == {("eu-small", "eu-west")}
    usage = api.get("/api/v1/usage?groupBy=region").json()
    assert [row["key"] for row in usage["data"]] == ["eu-west"]


@pytest.mark.django_db
def test_a_job_whose_organization_allows_no_deployed_region_fails_with_a_clear_code(org_factory, scripted):
    scripted.LLM_DEPLOYMENTS = REGIONS
    org, key = org_factory("apac-co")
    Organization.objects.filter(pk=org.pk).update(allowed_regions=["ap-south"])
    api = client_for(key)
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed" and (job.error or {})["code"] == "region_not_allowed"
    assert not ModelCall.objects.filter(job_id=job_id).exists()  # no data left for another region
