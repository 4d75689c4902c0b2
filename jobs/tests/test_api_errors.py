"""Bad input always gets a clear 4xx in the error format, never a 500."""

import json

import pytest
from django.test import override_settings

from beacon.testing import generation_body

pytestmark = pytest.mark.django_db


def _post_raw(api, body: str, content_type: str = "application/json"):
    return api.generic("POST", "/api/v1/generations", body, content_type=content_type)


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert {"code", "message", "details", "requestId"} <= set(error)
    return error


def test_malformed_json_is_400(api):
    error = _error(_post_raw(api, '{"templateId": "metadata_enrichment",'), 400)
    assert error["code"] == "malformed_json"


def test_non_object_body_is_400(api):
    assert _error(_post_raw(api, "[1, 2, 3]"), 400)["code"] == "malformed_json"


def test_wrong_content_type_is_415(api):
    assert _error(_post_raw(api, "templateId=x", "application/x-www-form-urlencoded"), 415)["code"] == (
        "unsupported_media_type"
    )


def test_unknown_task_kind_is_422_naming_the_known_ones(api):
    error = _error(api.post("/api/v1/generations", generation_body("poetry"), format="json"), 422)
    assert error["details"][0]["field"] == "templateId"
    assert "metadata_enrichment" in error["details"][0]["message"]


@override_settings(BEACON_MAX_REQUEST_BYTES=2048)
def test_oversize_payload_is_413(api):
    body = json.dumps(generation_body(content="x" * 5000))
    assert _error(_post_raw(api, body), 413)["code"] == "payload_too_large"


def test_parameters_schema_violations_are_422_with_field_paths(api):
    body = generation_body(locale="english", customer_tier="gold")
    del body["parameters"]["content"]
    error = _error(api.post("/api/v1/generations", body, format="json"), 422)
    fields = {detail["field"] for detail in error["details"]}
    assert {"parameters", "parameters.locale", "parameters.customer_tier"} <= fields


def test_unknown_fields_are_rejected(api):
    body = {**generation_body(), "templateID": "typo"}
    error = _error(api.post("/api/v1/generations", body, format="json"), 422)
    assert error["details"][0]["field"] == "templateID"


def test_bad_options_are_422(api):
    body = {**generation_body(), "options": {"temperature": 9, "priority": "urgent", "webhookUrl": "nope"}}
    error = _error(api.post("/api/v1/generations", body, format="json"), 422)
    fields = {detail["field"] for detail in error["details"]}
    assert fields == {"options.temperature", "options.priority", "options.webhookUrl"}


def test_invalid_output_schema_is_422(api):
    body = {**generation_body(), "outputSchema": {"type": "not-a-type"}}
    error = _error(api.post("/api/v1/generations", body, format="json"), 422)
    assert error["details"][0]["field"] == "outputSchema"


def test_unknown_template_version_is_422(api):
    body = {**generation_body(), "templateVersion": "9.9.9"}
    assert _error(api.post("/api/v1/generations", body, format="json"), 422)["details"][0]["field"] == (
        "templateVersion"
    )


def test_bad_job_id_and_unknown_path_are_404(api):
    assert _error(api.get("/api/v1/generations/not-a-uuid"), 404)["code"] == "not_found"
    assert api.get("/api/v1/nothing-here").status_code == 404


def test_invalid_list_filter_is_4xx(api):
    response = api.get("/api/v1/generations?status=exploded")
    assert 400 <= response.status_code < 500
