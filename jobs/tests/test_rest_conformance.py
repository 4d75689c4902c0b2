"""The REST API as the PRD specifies it: PUT on templates, registered output
schemas by name, maxTokens against the deployment, Location on every 201,
collection links, the rate-limit reset as a Unix time, 502 for a provider's
permanent failure, filters that work and unknown parameters that are refused."""

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.urls import URLPattern

from beacon.query_parameters import declared_query_parameters
from beacon.testing import client_for, generation_body
from beacon.urls import api_v1
from jobs.models import Job
from jobs.selectors import sync_answer
from prompts.models import PromptTemplate
from tenants.models import Role

pytestmark = pytest.mark.django_db

SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}Describe it.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'
SCHEMA = {"type": "object", "required": ["price"], "properties": {"price": {"type": "number"}}}


def test_put_replaces_a_templates_fields_and_with_content_creates_a_draft_version(api):
    created = api.post("/api/v1/templates", {"name": "shirts", "taskKind": "product_description"}, format="json")
    assert created.status_code == 201
    template_id = created.json()["data"]["id"]
    assert created["Location"].endswith(f"/api/v1/templates/{template_id}")

    fields_only = api.put(f"/api/v1/templates/{template_id}", {"description": "Shirts", "owner": "cat"}, format="json")
    assert fields_only.status_code == 200
    assert fields_only.json()["data"]["description"] == "Shirts" and fields_only.json()["data"]["owner"] == "cat"

    body = {"description": "Shirts v2", "owner": "cat", "systemPrompt": SYSTEM, "userPrompt": USER}
    with_content = api.put(f"/api/v1/templates/{template_id}", body, format="json")
    assert with_content.status_code == 201, with_content.json()
    version = with_content.json()["data"]["createdVersion"]
    assert version["status"] == "draft"
    assert with_content["Location"].endswith(f"/api/v1/templates/{template_id}/versions/{version['version']}")
    assert api.get(with_content["Location"]).status_code == 200

    partial = api.put(f"/api/v1/templates/{template_id}", {"description": "no owner"}, format="json")
    assert partial.status_code == 422 and partial.json()["error"]["details"][0]["field"] == "owner"
    half = api.put(f"/api/v1/templates/{template_id}", {**body, "userPrompt": None}, format="json")
    assert half.status_code == 422


def test_put_on_a_platform_template_is_refused_with_the_hint_to_fork(api):
    platform = PromptTemplate.objects.get(name="metadata_enrichment", organization=None)
    answer = api.put(f"/api/v1/templates/{platform.id}", {"description": "x", "owner": "y"}, format="json")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "platform_default"


def test_a_registered_schema_can_be_named_as_the_output_schema(api):
    assert api.post("/api/v1/schemas", {"name": "priced", "jsonSchema": SCHEMA}, format="json").status_code == 201
    named = api.post("/api/v1/generations", {**generation_body(), "outputSchema": "priced"}, format="json")
    assert named.status_code == 202, named.json()
    job = Job.objects.get(id=named.json()["data"]["id"])
    assert job.output_schema is None and job.output_schema_version is not None
    assert job.output_schema_version.schema.name == "priced"
    pinned = api.post("/api/v1/generations", {**generation_body(), "outputSchema": "priced@1.0.0"}, format="json")
    assert pinned.status_code == 202
    unknown = api.post("/api/v1/generations", {**generation_body(), "outputSchema": "nope"}, format="json")
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "outputSchema"


def test_max_tokens_is_checked_against_the_deployments_output_limit(api):
    fits = api.post("/api/v1/generations", {**generation_body(), "options": {"maxTokens": 1000}}, format="json")
    assert fits.status_code == 202
    body = {**generation_body(), "options": {"maxTokens": 5000, "model": "local-small"}}
    too_many = api.post("/api/v1/generations", body, format="json")
    assert too_many.status_code == 422
    detail = too_many.json()["error"]["details"][0]
    assert detail["field"] == "options.maxTokens" and "4096" in detail["message"]


def test_a_new_schema_version_carries_its_location(api):
    schema = api.post("/api/v1/schemas", {"name": "located", "jsonSchema": SCHEMA}, format="json")
    assert schema.status_code == 201 and schema["Location"].endswith("/api/v1/schemas/located/versions/1.0.0")
    assert api.get(schema["Location"]).status_code == 200


def test_admin_created_resources_carry_a_location(org_factory, receiver):
    _, key = org_factory("acme", Role.ADMIN)
    admin = client_for(key)
    endpoint = admin.post("/api/v1/webhook-endpoints", {"url": receiver[0]}, format="json")
    assert endpoint.status_code == 201 and admin.get(endpoint["Location"]).status_code == 200
    created_key = admin.post("/api/v1/keys", {"name": "k"}, format="json")
    assert created_key.status_code == 201 and admin.get(created_key["Location"]).status_code == 200


def test_collections_link_their_first_and_last_pages(api):
    for _ in range(5):
        api.post("/api/v1/generations", generation_body(), format="json")
    page = api.get("/api/v1/generations?perPage=2").json()
    assert page["meta"]["totalPages"] == 3
    assert "page=3" in page["links"]["last"] and "perPage=2" in page["links"]["last"]
    assert "page=" not in page["links"]["first"] and page["links"]["prev"] is None
    last = api.get(page["links"]["last"]).json()
    assert len(last["data"]) == 1 and last["links"]["next"] is None


def test_unknown_query_parameters_are_a_400_naming_them(api):
    answer = api.get("/api/v1/generations?stauts=failed&perPage=2")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "unknown_parameter" and [d["field"] for d in error["details"]] == ["stauts"]
    assert api.get("/api/v1/generations?status=failed&perPage=2").status_code == 200
    assert api.get("/api/v1/usage?groupBy=day&colour=red").status_code == 400


def test_every_parameter_a_view_reads_is_declared_in_the_openapi_document():
    """The unknown-parameter check trusts the document, so it must list what
    views read: each API route resolves to declared operations."""
    declared = declared_query_parameters()
    routes = {"/" + str(p.pattern).replace("<uuid:", "<").replace("<int:", "<").replace("<str:", "<")
              .replace("<slug:", "<") for p in api_v1 if isinstance(p, URLPattern)}  # fmt: skip
    documented = {path.replace("{", "<").replace("}", ">") for path, _ in declared}
    missing = {r for r in routes if r.startswith("/api/v1/") and r not in documented}
    assert missing <= {"/api/v1/schema", "/api/v1/oauth/token", "/api/v1/graphql"}, missing
    assert declared[("/api/v1/templates/{template_id}/diff", "GET")] >= {"from", "to"}
    assert "label" in declared[("/api/v1/templates/{template_id}/experiments", "GET")]


def test_generations_filter_by_template_version_and_template_name_or_id(api):
    api.post("/api/v1/generations", generation_body(), format="json")
    api.post("/api/v1/generations", generation_body("taxonomy_tagging"), format="json")
    by_kind = api.get("/api/v1/generations?templateId=taxonomy_tagging").json()["data"]
    assert [job["templateId"] for job in by_kind] == ["taxonomy_tagging"]
    version = by_kind[0]["templateVersion"]
    same_version = api.get(f"/api/v1/generations?templateVersion={version}").json()["data"]
    assert by_kind[0]["id"] in {job["id"] for job in same_version}
    assert api.get("/api/v1/generations?templateVersion=99.0.0").json()["data"] == []
    template = PromptTemplate.objects.get(name="taxonomy_tagging", organization=None)
    by_uuid = api.get(f"/api/v1/generations?templateId={template.id}").json()["data"]
    assert [job["id"] for job in by_uuid] == [by_kind[0]["id"]]


def test_usage_groups_by_api_key(api, org_factory):
    answer = api.get("/api/v1/usage?groupBy=apiKey")
    assert answer.status_code == 200 and answer.json()["meta"]["groupBy"] == "apiKey"
    quota = api.get("/api/v1/usage/quota").json()["data"]
    assert quota["keys"] == []  # no model calls yet this month


def test_sync_answer_is_502_only_for_a_providers_permanent_failure():
    failed = {"id": "j1", "status": "failed", "error": {"code": "auth_error", "message": "401", "stage": "generate"}}
    status, body = sync_answer(failed)
    assert status == 502 and body["error"]["code"] == "upstream_model_failed"
    assert body["error"]["details"][0] == {"field": "model", "message": "401", "code": "auth_error", "jobId": "j1"}
    ours = {**failed, "error": {"code": "output_invalid", "message": "", "stage": "validate"}}
    assert sync_answer(ours)[0] == 200
    assert sync_answer({"id": "j2", "status": "generating", "error": None})[0] == 202


class _Unauthorized(http.server.BaseHTTPRequestHandler):
    """A model provider that refuses every key."""

    def do_POST(self) -> None:
        body = b'{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}'
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def refusing_provider(tmp_path: Path) -> Iterator[Path]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Unauthorized)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/v1"
    entry = {"model": "openai/refusing", "api_base": base, "context_window": 4096, "input_cost_per_token": 0,
             "output_cost_per_token": 0, "json_mode": "openai"}  # fmt: skip
    path = tmp_path / "deployments.yaml"
    tiers = [{"name": f"refusing-{tier}", "tier": tier, **entry} for tier in ("small", "large")]
    path.write_text(yaml.safe_dump({"deployments": tiers}))
    yield path
    server.shutdown()


@pytest.mark.slow
def test_a_sync_wait_answers_502_when_the_provider_refuses_for_good(
    org_factory, start_worker, refusing_provider, settings
):
    settings.LLM_DEPLOYMENTS_FILE = str(refusing_provider)
    start_worker(LLM_DEPLOYMENTS_FILE=str(refusing_provider), OPENAI_API_KEY="sk-wrong")
    _, key = org_factory("acme", Role.EDITOR)
    body = {**generation_body("product_description"), "options": {"mode": "sync", "syncTimeoutSeconds": 60}}
    answer = client_for(key).post("/api/v1/generations", body, format="json")
    assert answer.status_code == 502, answer.json()
    detail = answer.json()["error"]["details"][0]
    assert detail["code"] == "auth_error"
    job = client_for(key).get(answer["Location"]).json()["data"]
    assert job["id"] == detail["jobId"] and job["status"] == "failed"


def test_the_cost_reads_the_same_in_the_submit_answer_and_later(api):
    submitted = api.post("/api/v1/generations", generation_body(), format="json").json()["data"]
    read = api.get(f"/api/v1/generations/{submitted['id']}").json()["data"]
    assert submitted["cost"]["usd"] == read["cost"]["usd"] == "0.000000"
