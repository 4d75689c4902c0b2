"""/api/v1/graphql: the generations API over GraphQL, through HTTP, with
REST's authentication, roles, scopes, tenancy, limits and error codes."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from beacon.testing import client_for, generation_body
from jobs.models import Job, JobResult
from llm.models import ModelCall
from tenants.models import ApiKey, Role
from tenants.services import api_key_create, project_ensure

pytestmark = pytest.mark.django_db

URL = "/api/v1/graphql"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
FIELDS = "id status stage templateId templateVersion projectId priority result validation partial error"
CREATE = f"""mutation($input: GenerationInput!, $key: String) {{
  createGeneration(input: $input, idempotencyKey: $key) {{ {FIELDS} cost {{ usd promptTokens completionTokens }} }}
}}"""
GET = f"query($id: ID!) {{ generation(id: $id) {{ {FIELDS} latencyMs generations events {{ type toStatus }} }} }}"
CANCEL = "mutation($id: ID!) { cancelGeneration(id: $id) { id status stage } }"
LIST = """query($filter: GenerationFilter, $first: Int!, $after: String) {
  generations(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id status templateId result events { type } } }
  }
}"""


def gql(client: APIClient, query: str, variables: dict[str, Any] | None = None, **headers: Any) -> Any:
    return client.post(URL, {"query": query, "variables": variables or {}}, format="json", **headers)


def submit(client: APIClient, key: str | None = None, **parameters: Any) -> Any:
    return gql(client, CREATE, {"input": generation_body(**parameters), "key": key})


def error_of(response: Any) -> dict[str, Any]:
    return response.json()["errors"][0]["extensions"]


def test_create_get_list_and_cancel_show_what_rest_shows(api):
    created = submit(api)
    assert created.status_code == 200 and "errors" not in created.json()
    job = created.json()["data"]["createGeneration"]
    assert job["status"] == "queued" and job["cost"]["promptTokens"] == 0
    rest = api.get(f"/api/v1/generations/{job['id']}").json()["data"]
    shown = gql(api, GET, {"id": job["id"]}).json()["data"]["generation"]
    events = shown.pop("events")
    assert shown == {key: rest[key] for key in [*FIELDS.split(), "latencyMs", "generations"]}
    assert events == [{"type": "submitted", "toStatus": "queued"}]
    page = gql(api, LIST, {"first": 10}).json()["data"]["generations"]
    assert page["totalCount"] == 1 and [e["node"]["id"] for e in page["edges"]] == [job["id"]]
    cancelled = gql(api, CANCEL, {"id": job["id"]}).json()["data"]["cancelGeneration"]
    assert cancelled == {"id": job["id"], "status": "cancelled", "stage": "done"}
    again = gql(api, CANCEL, {"id": job["id"]})
    assert error_of(again)["code"] == "invalid_state" and error_of(again)["status"] == 409


def test_an_idempotency_key_returns_the_same_job_and_refuses_another_body(api):
    original = submit(api, key="order-42")
    first = original.json()["data"]["createGeneration"]["id"]
    replay = submit(api, key="order-42")
    assert replay.json()["data"]["createGeneration"]["id"] == first
    assert replay["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in original
    # The HTTP header works too, and a REST request with the same key and body is the same request.
    by_header = gql(api, CREATE, {"input": generation_body()}, HTTP_IDEMPOTENCY_KEY="order-42")
    assert by_header.json()["data"]["createGeneration"]["id"] == first
    rest = api.post("/api/v1/generations", generation_body(), format="json", HTTP_IDEMPOTENCY_KEY="order-42")
    assert rest.json()["data"]["id"] == first
    other = submit(api, key="order-42", content="Another shirt entirely")
    assert other.json()["data"] is None
    assert error_of(other)["code"] == "idempotency_key_reused" and error_of(other)["status"] == 409
    assert Job.objects.count() == 1


def test_invalid_input_is_refused_with_rests_code_status_and_field_details(api):
    response = gql(api, CREATE, {"input": {"templateId": "metadata_enrichment", "parameters": {"content": "x"}}})
    assert response.status_code == 200
    error = error_of(response)
    assert error["code"] == "validation_error" and error["status"] == 422
    assert any(detail["field"] == "parameters" for detail in error["details"])
    unknown = error_of(gql(api, CREATE, {"input": {**generation_body(), "templateId": "no_such_kind"}}))
    assert unknown["code"] == "validation_error" and unknown["details"][0]["field"] == "templateId"
    sync = {**generation_body(), "options": {"mode": "sync"}}
    assert error_of(gql(api, CREATE, {"input": sync}))["details"][0]["field"] == "options.mode"
    assert not Job.objects.exists()


def test_requests_that_cannot_run_are_400_graphql_errors_never_500(api):
    malformed = api.generic("POST", URL, "{not json", content_type="application/json")
    assert malformed.status_code == 400 and error_of(malformed)["code"] == "malformed_json"
    cannot_run = [
        {},
        {"query": ""},
        {"query": "{ generations { totalCount } }", "variables": [1]},
        {"query": "{ generations { totalCount "},
        {"query": "{ generations { nope } }"},
        {"query": "query($id: ID!) { generation(id: $id) { id } }"},
    ]
    for body in cannot_run:
        response = api.post(URL, body, format="json")
        assert response.status_code == 400, body
        assert "data" not in response.json() and error_of(response)["code"] == "invalid_query", body
    over_get = api.get(URL, {"query": 'mutation { cancelGeneration(id: "x") { id } }'})
    assert over_get.status_code == 405 and error_of(over_get)["code"] == "method_not_allowed"
    subscription = api.post(URL, {"query": "subscription { generations { totalCount } }"}, format="json")
    assert subscription.status_code == 400 and error_of(subscription)["code"] == "invalid_query"
    assert api.get(URL, {"query": "{ generations { totalCount } }"}).json()["data"]["generations"]["totalCount"] == 0


def test_depth_token_and_alias_limits_refuse_the_document_before_it_runs(api):
    too_deep = "{ x1 { x2 { x3 { x4 { x5 { x6 } } } } } }"  # under generations.edges.node.events: 10 levels
    deep = "{ generations { edges { node { events " + too_deep + " } } } }"
    refused = api.post(URL, {"query": deep}, format="json")
    assert refused.status_code == 400
    assert any("exceeds maximum operation depth of 8" in e["message"] for e in refused.json()["errors"])
    aliases = "{ " + " ".join(f"a{i}: generations {{ totalCount }}" for i in range(16)) + " }"
    assert "alias" in api.post(URL, {"query": aliases}, format="json").json()["errors"][0]["message"]
    tokens = "{ generations { " + "totalCount " * 2000 + "} }"
    assert api.post(URL, {"query": tokens}, format="json").status_code == 400
    # Introspection (GraphiQL, code generators) is deeper than 8 and still answers.
    introspection = (
        '{ __type(name: "Generation") { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } }'
    )
    assert api.post(URL, {"query": introspection}, format="json").json()["data"]["__type"]["fields"]


def test_without_a_key_it_is_rests_401_and_graphiql_only_in_debug(settings):
    anonymous = APIClient()
    response = anonymous.post(URL, {"query": "{ generations { totalCount } }"}, format="json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    assert anonymous.get(URL, HTTP_ACCEPT=BROWSER).status_code == 401
    settings.DEBUG = True
    page = anonymous.get(URL, HTTP_ACCEPT=BROWSER)
    assert page.status_code == 200 and b"graphiql" in page.content.lower()
    assert "https://unpkg.com" in page["Content-Security-Policy"]  # only this page loads GraphiQL's scripts
    assert "unpkg" not in anonymous.get("/api/v1/health")["Content-Security-Policy"]


def test_a_viewer_reads_but_cannot_create_or_cancel(api, org_factory):
    job_id = submit(api).json()["data"]["createGeneration"]["id"]
    viewer = client_for(org_factory("acme", Role.VIEWER)[1])
    refused = submit(viewer)
    assert refused.status_code == 200 and refused.json()["data"] is None
    assert error_of(refused)["code"] == "forbidden" and error_of(refused)["status"] == 403
    assert error_of(gql(viewer, CANCEL, {"id": job_id}))["code"] == "forbidden"
    assert gql(viewer, GET, {"id": job_id}).json()["data"]["generation"]["status"] == "queued"
    assert Job.objects.count() == 1


def test_scopes_decide_field_by_field(org_factory):
    org, _ = org_factory("acme", Role.EDITOR)
    reader = client_for(api_key_create(organization=org, role=Role.EDITOR, scopes=["generations:read"]).raw_key)
    assert error_of(submit(reader))["code"] == "forbidden"
    both = reader.post(URL, {"query": "{ generations { totalCount } templates { name } }"}, format="json").json()
    assert both["data"] is None and both["errors"][0]["path"] == ["templates"]
    catalog = client_for(api_key_create(organization=org, role=Role.VIEWER, scopes=["templates:read"]).raw_key)
    names = gql(catalog, "{ templates { name platform } }").json()["data"]["templates"]
    assert "metadata_enrichment" in {t["name"] for t in names}
    assert error_of(gql(catalog, "{ usage { totalCalls } }"))["code"] == "forbidden"


def test_templates_schemas_and_usage_match_their_rest_gets(api):
    rest_templates = api.get("/api/v1/templates").json()["data"]
    templates = gql(api, "{ templates { id name versions { version } } }").json()["data"]["templates"]
    assert [(t["id"], t["name"]) for t in templates] == [(t["id"], t["name"]) for t in rest_templates]
    detail = "query($id: ID!) { template(id: $id) { name labels { name history { reason } } } }"
    one = gql(api, detail, {"id": rest_templates[0]["id"]}).json()["data"]["template"]
    assert one["name"] == rest_templates[0]["name"] and one["labels"][0]["history"] is not None
    assert gql(api, '{ template(id: "00000000-0000-0000-0000-000000000000") { name } }').json()["data"] == {
        "template": None
    }
    schemas = gql(api, "{ schemas { name platform } }").json()["data"]["schemas"]
    assert [s["name"] for s in schemas] == [s["name"] for s in api.get("/api/v1/schemas").json()["data"]]
    org = ApiKey.objects.get().organization
    call = {"task_kind": "metadata_enrichment", "stage": "generate", "deployment": "local-small", "tier": "small"}
    for _ in range(2):  # more tokens than a 32-bit Int holds
        ModelCall.objects.create(organization=org, **call, outcome="ok", prompt_tokens=2_000_000_000, cost_usd=1)
    rows = "rows { key calls cachedCalls failedCalls promptTokens completionTokens costUsd }"
    usage = gql(api, '{ usage(groupBy: "model") { totalCalls totalCostUsd groupBy ' + rows + " } }").json()
    rest = api.get("/api/v1/usage?groupBy=model").json()
    expected = {"totalCalls": 2, "totalCostUsd": rest["meta"]["totalCostUsd"], "groupBy": "model", "rows": rest["data"]}
    assert usage["data"]["usage"] == expected
    assert rest["data"][0]["promptTokens"] == 4_000_000_000
    assert error_of(gql(api, '{ usage(groupBy: "planet") { totalCalls } }'))["code"] == "validation_error"


def test_another_organization_neither_sees_nor_cancels_a_job(api, org_factory):
    job_id = submit(api).json()["data"]["createGeneration"]["id"]
    for role in (Role.VIEWER, Role.EDITOR, Role.ADMIN):
        bravo = client_for(org_factory("bravo", role)[1])
        assert gql(bravo, GET, {"id": job_id}).json() == {"data": {"generation": None}}
        assert gql(bravo, LIST, {"first": 100}).json()["data"]["generations"]["totalCount"] == 0
        cancel = gql(bravo, CANCEL, {"id": job_id})
        assert error_of(cancel)["code"] == ("forbidden" if role == Role.VIEWER else "not_found")
    assert Job.objects.get(pk=job_id).status == "queued"


def test_a_project_limited_key_sees_only_its_projects_jobs(api, org_factory):
    job_id = submit(api).json()["data"]["createGeneration"]["id"]
    org = Job.objects.get(pk=job_id).organization
    other = project_ensure(organization=org, slug="storefront")
    limited = client_for(api_key_create(organization=org, role=Role.EDITOR, project=other, project_only=True).raw_key)
    own = submit(limited).json()["data"]["createGeneration"]["id"]
    assert gql(limited, GET, {"id": job_id}).json()["data"]["generation"] is None
    listed = gql(limited, LIST, {"first": 10}).json()["data"]["generations"]
    assert [edge["node"]["id"] for edge in listed["edges"]] == [own]
    assert error_of(gql(limited, CANCEL, {"id": job_id}))["code"] == "not_found"
    assert gql(api, LIST, {"first": 10}).json()["data"]["generations"]["totalCount"] == 2


def test_filters_and_cursors_page_through_every_job_once(api):
    ids = [submit(api, content=f"Shirt number {n}").json()["data"]["createGeneration"]["id"] for n in range(5)]
    seen, after = [], None
    while True:
        page = gql(api, LIST, {"first": 2, "after": after}).json()["data"]["generations"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["totalCount"] == 5 and page["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ids[::-1]
    queued = gql(api, LIST, {"first": 10, "filter": {"status": ["queued"], "templateId": "metadata_enrichment"}})
    assert queued.json()["data"]["generations"]["totalCount"] == 5
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"first": 101}, "first"),
        ({"first": 5, "after": "nonsense"}, "after"),
        ({"first": 5, "filter": {"status": ["lost"]}}, "filter.status"),
    ]
    for variables, field in refusals:
        error = error_of(gql(api, LIST, variables))
        assert (error["code"], error["details"][0]["field"]) == ("validation_error", field)


def test_a_page_of_50_costs_the_same_queries_as_a_page_of_5(api, django_assert_max_num_queries):
    for n in range(50):
        assert submit(api, content=f"Blue shirt {n}, size M").status_code == 200
    for job in Job.objects.all():  # results, so each row's representation reads its result
        JobResult.objects.create(job=job, output={"n": 1}, validation={"valid": True})
    Job.objects.update(generation_count=1, status="completed")
    gql(api, LIST, {"first": 1})  # warm: the key's last-used stamp

    def queries(first: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            page = gql(api, LIST, {"first": first}).json()["data"]["generations"]
        assert len(page["edges"]) == first and page["edges"][0]["node"]["result"] == {"n": 1}
        assert page["edges"][0]["node"]["events"] == [{"type": "submitted"}]
        return len(captured)

    with django_assert_max_num_queries(8):  # the key, the count, the page, its events; the audit row
        fifty = queries(50)
    assert fifty == queries(5)


def test_every_mutation_in_a_document_counts_against_the_rate_limit(api):
    ApiKey.objects.update(rate_limit_per_minute=2)
    body = {"input": generation_body()}
    aliased = " ".join(f"{alias}: createGeneration(input: $input) {{ id }}" for alias in "abc")
    three = "mutation($input: GenerationInput!) { " + aliased + " }"
    response = gql(api, three, body)
    data, errors = response.json()["data"], response.json()["errors"]
    assert data is None or data.get("c") is None  # the request paid for a; b took the last slot
    assert errors[0]["path"] == ["c"] and errors[0]["extensions"]["code"] == "rate_limited"
    assert errors[0]["extensions"]["retryAfter"] >= 1
    limited = gql(api, "{ generations { totalCount } }")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
