"""Input that used to end in a 500 or a wrong answer: each gets a clear
error in the API's error format, or the answer it should."""

import pytest

from beacon.testing import generation_body, job_run_inline, streamed_text
from tenants.models import ApiKey

pytestmark = pytest.mark.django_db


def test_json_nested_past_the_parsers_limit_is_a_400(api):
    response = api.generic("POST", "/api/v1/generations", "[" * 200_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("days", ["²", "٣٠", "-1", "0", "367", "3.5"])
def test_a_metrics_window_that_is_not_a_plain_day_count_is_a_422_or_read_as_digits(api, days):
    response = api.get("/api/v1/validation/metrics", {"days": days})
    # "٣٠" is 30 in Arabic-Indic digits: a decimal number, read as such.
    assert response.status_code == (200 if days == "٣٠" else 422)


def test_a_last_event_id_that_is_not_a_number_starts_from_the_beginning(api, scripted):
    job_id = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    job_run_inline(job_id)
    response = api.get(f"/api/v1/generations/{job_id}/stream", HTTP_LAST_EVENT_ID="²", HTTP_ACCEPT="text/event-stream")
    assert response.status_code == 200
    body = streamed_text(response)
    assert "event: submitted" in body or "submitted" in body


def test_usage_up_to_the_last_representable_day_answers(api):
    response = api.get("/api/v1/usage", {"from": "9999-12-02", "to": "9999-12-31"})
    assert response.status_code == 200
    assert response.json()["meta"]["to"] == "9999-12-31"


def test_a_used_key_records_when_it_was_last_used(api):
    assert not ApiKey.objects.filter(last_used_at__isnull=False).exists()
    assert api.get("/api/v1/generations").status_code == 200
    assert ApiKey.objects.filter(last_used_at__isnull=False).count() == 1


@pytest.mark.parametrize(
    "product",
    [
        {f"field_{i}": "x" for i in range(40)},  # too many fields
        {"notes": {"nested": "object"}},  # extra fields hold scalars only
        {"k" * 65: "x"},  # a field name too long
        {"notes": "x" * 2001},  # a value too long
        {"attributes": {f"a{i}": "x" for i in range(51)}},
    ],
)
def test_a_product_object_is_bounded(api, product):
    response = api.post("/api/v1/generations", generation_body(product=product), format="json")
    assert response.status_code == 422, response.json()
    assert response.json()["error"]["code"] == "validation_error"


def test_a_product_with_a_few_extra_fields_is_accepted(api):
    product = {"title": "Pan", "care_notes": "Hand wash", "attributes": {"colour": "red"}}
    response = api.post("/api/v1/generations", generation_body(product=product), format="json")
    assert response.status_code == 202
