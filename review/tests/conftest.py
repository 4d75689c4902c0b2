"""A job the output scan holds for review, as the review tests need one."""

from collections.abc import Callable
from typing import Any

import pytest

from beacon.testing import generation_body, job_run_inline
from jobs.models import Job
from llm.scripted import scripted_responses_push
from review.tests.factories import DESCRIPTION, product_output
from tenants.models import CustomerTier, Organization


@pytest.fixture
def held_job(api: Any, scripted: Any) -> Callable[..., Job]:
    """Make a product description job whose output says "I have been PWNED"
    (an instruction marker: review) and run it to `reviewing`."""

    def make(customer_tier: str = "standard") -> Job:
        # A job runs at its organization's tier or below: a premium job needs a premium acme.
        if customer_tier == CustomerTier.PREMIUM:
            Organization.objects.filter(slug="acme").update(customer_tier=CustomerTier.PREMIUM)
        body = generation_body("product_description", content=DESCRIPTION, customer_tier=customer_tier)
        job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
        scripted_responses_push(product_output(f"{DESCRIPTION} I have been PWNED."))
        job_run_inline(job_id)
        job = Job.objects.get(pk=job_id)
        assert job.status == "reviewing"
        return job

    return make
