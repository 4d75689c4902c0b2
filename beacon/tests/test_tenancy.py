"""Tenancy as a property of the data model, tried the way an attacker would.

Organization B's viewer, editor and admin keys go against every endpoint
with organization A's objects in the path, with every method the endpoint
has. Each answer must be exactly what B gets for an object that does not
exist at all (so nothing about A's objects leaks, not even their existence),
never a success, and a 404 whenever B's role would allow the method; and
A's rows must be unchanged afterwards. The cases come from the URL conf: an
endpoint added without a case here fails the test.
"""

import hashlib
import json
import uuid
from typing import Any

import pytest
from django.urls import URLPattern

from beacon.testing import client_for, generation_body
from beacon.urls import api_v1
from jobs.models import Batch, Job, LegalHold, WebhookDelivery, WebhookEndpoint
from jobs.services.legal_holds import legal_hold_place
from prompts.models import PromptTemplate, TemplateApproval, TemplateLabel, TemplateTest, TemplateVersion
from prompts.services import PRODUCTION, Arm, label_set, template_create, version_create, version_transition
from prompts.tests.factories import version_activate
from tenants.models import ApiKey, OAuthClient, Organization, Project, Role
from tenants.oauth import oauth_client_create
from validation.models import OutputSchema, SchemaVersion
from validation.schemas import schema_version_create

pytestmark = pytest.mark.django_db

SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}Extract attributes.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'
A_SLUG, A_TEMPLATE, A_SCHEMA = "alpha-7f3", "alpha-secret-template", "alpha-secret-schema"
SCHEMA = {"type": "object", "required": ["price"], "properties": {"price": {"type": "number"}}}

# Endpoints that hold no organization's objects.
# (The OAuth token endpoint authenticates a client by its own secret.)
PUBLIC_ROUTES = {"api/v1/health", "api/v1/health/detailed", "api/v1/schema", "api/docs", "api/v1/oauth/token"}
# Endpoints without an object in the path: B's answers must not show A's rows.
LIST_ROUTES = {
    "api/v1/generations", "api/v1/webhook-endpoints", "api/v1/webhook-secret/rotate", "api/v1/templates",
    "api/v1/schemas", "api/v1/validation/metrics", "api/v1/review/metrics", "api/v1/usage", "api/v1/usage/quota",
    "api/v1/audit-log", "api/v1/keys", "api/v1/oauth-clients", "api/v1/batches", "api/v1/legal-holds",
    "api/v1/trash",
}  # fmt: skip
# One endpoint for every object: its own case below asks for each of A's by id.
GRAPHQL_ROUTES = {"api/v1/graphql"}
# Endpoints with an object of A's in the path; the value is what `<slug:name>` means there.
OBJECT_ROUTES = {
    "api/v1/generations/<uuid:job_id>": None,
    "api/v1/generations/<uuid:job_id>/events": None,
    "api/v1/generations/<uuid:job_id>/stream": None,
    "api/v1/generations/<uuid:job_id>/history": None,
    "api/v1/generations/<uuid:job_id>/diff": None,
    "api/v1/generations/<uuid:job_id>/webhook-deliveries": None,
    "api/v1/webhook-deliveries/<int:delivery_id>/redeliver": None,
    "api/v1/webhook-endpoints/<uuid:endpoint_id>": None,
    "api/v1/webhook-endpoints/<uuid:endpoint_id>/rotate-secret": None,
    "api/v1/templates/<uuid:template_id>": None,
    "api/v1/templates/<uuid:template_id>/versions": None,
    "api/v1/templates/<uuid:template_id>/versions/<str:version>": None,
    "api/v1/templates/<uuid:template_id>/fork": None,
    "api/v1/templates/<uuid:template_id>/versions/<str:version>/approve": None,
    "api/v1/templates/<uuid:template_id>/versions/<str:version>/<str:action>": None,
    "api/v1/templates/<uuid:template_id>/labels/<slug:name>": PRODUCTION,
    "api/v1/templates/<uuid:template_id>/labels/<slug:name>/rollback": PRODUCTION,
    "api/v1/templates/<uuid:template_id>/diff": None,
    "api/v1/templates/<uuid:template_id>/experiments": None,
    "api/v1/templates/<uuid:template_id>/tests": None,
    "api/v1/templates/<uuid:template_id>/tests/<uuid:test_id>": None,
    "api/v1/templates/<uuid:template_id>/test": None,
    "api/v1/schemas/<slug:name>": A_SCHEMA,
    "api/v1/schemas/<slug:name>/fork": A_SCHEMA,
    "api/v1/schemas/<slug:name>/versions/<str:version>": A_SCHEMA,
    "api/v1/keys/<uuid:key_id>": None,
    "api/v1/batches/<uuid:batch_id>": None,
    "api/v1/batches/<uuid:batch_id>/cancel": None,
    "api/v1/batches/<uuid:batch_id>/results": None,
    "api/v1/keys/<uuid:key_id>/rotate": None,
    "api/v1/oauth-clients/<int:client_id>": None,
    "api/v1/legal-holds/<uuid:hold_id>": None,
    "api/v1/trash/<str:kind>/<str:object_id>/restore": None,
}
# A body that would do harm if the lookup let it through.
BODIES: dict[str, Any] = {
    "put": {"arms": [{"version": "1.0.0"}], "reason": "b was here", "jsonSchema": {"type": "object"}},
    "patch": {"description": "b was here", "golden": True, "systemPrompt": "{{ content }}"},
    "post": {"systemPrompt": SYSTEM, "userPrompt": USER, "reason": "b was here", "security": False,
             "parameters": {"content": "x", "locale": "en-US"}, "url": "https://hooks.example.com/b"},
    "delete": {},
    "get": {},
}  # fmt: skip
ACTIONS = ("submit", "send_back", "activate", "deprecate")


def _route(pattern: URLPattern) -> str:
    return str(pattern.pattern)


def _methods(pattern: URLPattern) -> list[str]:
    view = pattern.callback.view_class  # type: ignore[attr-defined]
    return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)]


@pytest.fixture
def alpha(org_factory: Any) -> dict[str, Any]:
    """Organization A and one of each of its objects."""
    org, key = org_factory(A_SLUG, Role.EDITOR)
    template = template_create(organization=org, name=A_TEMPLATE, task_kind="metadata_enrichment")
    first = version_activate(version_create(template=template, system_prompt=SYSTEM, user_prompt=USER))
    label_set(template=template, name=PRODUCTION, arms=[Arm(first)], moved_by="alpha/ed", reason="launch")
    second = version_create(template=template, system_prompt=SYSTEM.replace("Extract", "Find"), user_prompt=USER)
    version_transition(version=second, action="submit")
    test = TemplateTest.objects.create(version=first, organization=org, parameters={"content": "alpha secret input"},
                                       output={"secret": "alpha output"}, valid=True)  # fmt: skip
    schema = OutputSchema.objects.create(organization=org, name=A_SCHEMA)
    schema_version_create(schema=schema, version="1.0.0", json_schema=SCHEMA, created_by="alpha/ed")
    job_id = client_for(key).post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
    project = Project.objects.get(organization=org)
    endpoint = WebhookEndpoint.objects.create(project=project, url="https://hooks.example.com/a", secret="whsec_a")
    delivery = WebhookDelivery.objects.create(job_id=job_id, endpoint=endpoint, url=endpoint.url, message_id="msg_a",
                                              event_type="job.completed", payload="{}")  # fmt: skip
    oauth = oauth_client_create(organization=org, name="alpha-sync", role=Role.EDITOR).client
    line = json.dumps({"custom_id": "alpha-line", "body": generation_body()})
    batch = client_for(key).generic("POST", "/api/v1/batches", line, content_type="application/jsonl").json()["data"]
    hold = legal_hold_place(organization=org, reason="alpha case", placed_by="alpha/admin")
    return {"hold": hold, "org": org, "template": template, "test": test, "job_id": job_id, "endpoint": endpoint,
            "delivery": delivery, "key": ApiKey.objects.filter(organization=org).first(), "oauth": oauth,
            "batch_id": batch["id"]}  # fmt: skip


def _snapshot(org: Organization) -> str:
    """Everything of A's that B might change, as one digest."""
    rows: list[Any] = [
        list(PromptTemplate.objects.filter(organization=org).values()),
        list(TemplateVersion.objects.filter(template__organization=org).values("id", "status", "content_hash")),
        list(TemplateLabel.objects.filter(template__organization=org).values("name", "arms__version", "arms__weight")),
        TemplateApproval.objects.filter(version__template__organization=org).count(),
        list(TemplateTest.objects.filter(organization=org).values("id", "golden")),
        list(OutputSchema.objects.filter(organization=org).values()),
        SchemaVersion.objects.filter(schema__organization=org).count(),
        list(Job.objects.filter(organization=org).values("id", "status", "deleted_at")),
        list(WebhookEndpoint.objects.filter(project__organization=org).values()),
        list(WebhookDelivery.objects.filter(job__organization=org).values("id", "status", "attempts")),
        list(Project.objects.filter(organization=org).values("webhook_secret")),
        list(ApiKey.objects.filter(organization=org).values("id", "revoked_at", "expires_at", "scopes")),
        list(OAuthClient.objects.filter(credential__organization=org).values("id", "application__client_id")),
        list(Batch.objects.filter(organization=org).values("id", "status")),
        list(LegalHold.objects.filter(organization=org).values("id", "lifted_at")),
    ]
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


def _url(route: str, values: dict[str, Any], *, name: str | None, action: str) -> str:
    path = route
    for placeholder, value in {
        "<uuid:job_id>": values["job_id"], "<int:delivery_id>": values["delivery_id"],
        "<uuid:endpoint_id>": values["endpoint_id"], "<uuid:template_id>": values["template_id"],
        "<uuid:test_id>": values["test_id"], "<str:version>": "1.1.0", "<str:action>": action,
        "<slug:name>": name or "", "<uuid:key_id>": values["key_id"], "<int:client_id>": values["client_id"],
        "<uuid:batch_id>": values["batch_id"], "<str:kind>": "job", "<str:object_id>": values["job_id"],
    }.items():  # fmt: skip
        path = path.replace(placeholder, str(value))
    return "/" + path + ("?from=1.0.0&to=1.1.0" if route.endswith("/diff") else "")


def _error_code(response: Any) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def test_every_api_endpoint_has_a_tenancy_case() -> None:
    routes = {_route(p) for p in api_v1}
    unknown = routes - PUBLIC_ROUTES - LIST_ROUTES - set(OBJECT_ROUTES) - GRAPHQL_ROUTES
    assert not unknown, f"endpoints without a cross-tenant case in this file: {sorted(unknown)}"
    assert not (set(OBJECT_ROUTES) | LIST_ROUTES | GRAPHQL_ROUTES) - routes, "cases for endpoints that no longer exist"


def test_another_organizations_objects_are_not_found_and_stay_unchanged(alpha: dict[str, Any], org_factory: Any):
    keys = {role: client_for(org_factory("bravo", role)[1]) for role in (Role.VIEWER, Role.EDITOR, Role.ADMIN)}
    theirs = {"job_id": alpha["job_id"], "delivery_id": alpha["delivery"].id, "endpoint_id": alpha["endpoint"].id,
              "template_id": alpha["template"].id, "test_id": alpha["test"].id, "key_id": alpha["key"].id,
              "client_id": alpha["oauth"].id, "batch_id": alpha["batch_id"], "hold_id": alpha["hold"].id}  # fmt: skip
    nowhere = {"job_id": uuid.uuid4(), "delivery_id": 2**31 - 1, "endpoint_id": uuid.uuid4(),
               "template_id": uuid.uuid4(), "test_id": uuid.uuid4(), "key_id": uuid.uuid4(),
               "client_id": 2**31 - 1, "batch_id": uuid.uuid4(), "hold_id": uuid.uuid4()}  # fmt: skip
    before = _snapshot(alpha["org"])
    tried = 0
    for pattern in api_v1:
        route = _route(pattern)
        if route not in OBJECT_ROUTES:
            continue
        name = OBJECT_ROUTES[route]
        for action in ACTIONS if "<str:action>" in route else ("",):
            for method in _methods(pattern):
                for role, client in keys.items():
                    body = BODIES[method]
                    seen = getattr(client, method)(_url(route, theirs, name=name, action=action), body, format="json")
                    absent_name = "no-such-schema" if name == A_SCHEMA else name
                    absent = getattr(client, method)(_url(route, nowhere, name=absent_name, action=action), body,
                                                     format="json")  # fmt: skip
                    where = f"{method.upper()} {route} ({action or '-'}) as B's {role}"
                    assert seen.status_code < 300 or seen.status_code >= 400, where
                    assert (seen.status_code, _error_code(seen)) == (absent.status_code, _error_code(absent)), where
                    assert seen.status_code in (403, 404), f"{where}: {seen.status_code}"
                    if seen.status_code == 403:  # only ever for lack of a role, like for any object
                        assert _error_code(seen) == "forbidden", where
                    tried += 1
    assert tried > 100
    assert _snapshot(alpha["org"]) == before


GRAPHQL_READ = """query($job: ID!, $template: ID!) {
  generation(id: $job) { id } template(id: $template) { id }
  generations(first: 100) { totalCount edges { node { id } } }
  templates { id name } schemas { name } usage(groupBy: "project") { totalCalls rows { key } }
}"""
GRAPHQL_CANCEL = "mutation($job: ID!) { cancelGeneration(id: $job) { id } }"
GRAPHQL_CREATE = "mutation($input: GenerationInput!) { createGeneration(input: $input) { id } }"


def _graphql(client: Any, query: str, **variables: Any) -> Any:
    return client.post("/api/v1/graphql", {"query": query, "variables": variables}, format="json")


def _graphql_error(response: Any) -> dict[str, Any]:
    """The first error, less its request id (which differs per request)."""
    error = response.json()["errors"][0]
    return {**error, "extensions": {k: v for k, v in error["extensions"].items() if k != "requestId"}}


def test_graphql_answers_for_another_organizations_objects_as_for_none(alpha: dict[str, Any], org_factory: Any):
    markers = [A_SLUG, A_TEMPLATE, A_SCHEMA, str(alpha["job_id"]), str(alpha["template"].id), "alpha secret input"]
    before = _snapshot(alpha["org"])
    for role in (Role.VIEWER, Role.EDITOR, Role.ADMIN):
        client = client_for(org_factory("bravo", role)[1])
        seen = _graphql(client, GRAPHQL_READ, job=str(alpha["job_id"]), template=str(alpha["template"].id))
        absent = _graphql(client, GRAPHQL_READ, job=str(uuid.uuid4()), template=str(uuid.uuid4()))
        assert seen.status_code == absent.status_code == 200 and seen.json() == absent.json(), role
        assert seen.json()["data"]["generation"] is None and seen.json()["data"]["template"] is None
        assert not [m for m in markers if m in seen.content.decode()], f"GraphQL shows A's rows to B's {role}"
        cancel = _graphql_error(_graphql(client, GRAPHQL_CANCEL, job=str(alpha["job_id"])))
        assert cancel == _graphql_error(_graphql(client, GRAPHQL_CANCEL, job=str(uuid.uuid4()))), role
        assert cancel["extensions"]["code"] == ("forbidden" if role == Role.VIEWER else "not_found")
        stolen = {**generation_body(), "templateId": str(alpha["template"].id)}
        create = _graphql_error(_graphql(client, GRAPHQL_CREATE, input=stolen))
        absent_template = {**generation_body(), "templateId": str(uuid.uuid4())}
        nowhere = _graphql_error(_graphql(client, GRAPHQL_CREATE, input=absent_template))
        assert create["extensions"]["code"] == ("forbidden" if role == Role.VIEWER else "validation_error")
        assert (
            A_TEMPLATE not in json.dumps(create) and create["extensions"]["status"] == nowhere["extensions"]["status"]
        )
    assert _snapshot(alpha["org"]) == before


def test_lists_and_counts_never_include_another_organizations_rows(alpha: dict[str, Any], org_factory: Any):
    markers = [A_SLUG, A_TEMPLATE, A_SCHEMA, str(alpha["job_id"]), str(alpha["endpoint"].id),
               str(alpha["template"].id), "alpha secret input", str(alpha["key"].id), alpha["key"].prefix,
               alpha["oauth"].application.client_id, alpha["batch_id"], "alpha-line", str(alpha["hold"].id),
               "alpha case"]  # fmt: skip
    before = _snapshot(alpha["org"])
    for role in (Role.VIEWER, Role.EDITOR, Role.ADMIN):
        client = client_for(org_factory("bravo", role)[1])
        for route in sorted(LIST_ROUTES):
            response = client.get(f"/{route}")
            assert response.status_code in (200, 403, 405), f"GET {route}: {response.status_code}"
            text = response.content.decode()
            assert not [m for m in markers if m in text], f"GET {route} as {role} shows A's rows"
    editor = client_for(org_factory("bravo", Role.EDITOR)[1])
    # A job submitted against A's template by its UUID finds no such template.
    stolen = editor.post("/api/v1/generations", {**generation_body(), "templateId": str(alpha["template"].id)},
                         format="json")  # fmt: skip
    absent = editor.post("/api/v1/generations", {**generation_body(), "templateId": str(uuid.uuid4())}, format="json")
    assert stolen.status_code == absent.status_code == 422
    assert A_TEMPLATE not in stolen.content.decode()
    # Creating under a name A uses makes B's own object; A's stays A's.
    created = editor.post("/api/v1/templates", {"name": A_TEMPLATE, "taskKind": "metadata_enrichment"}, format="json")
    assert created.status_code == 201 and created.json()["data"]["id"] != str(alpha["template"].id)
    schema = editor.post("/api/v1/schemas", {"name": A_SCHEMA, "jsonSchema": SCHEMA}, format="json")
    assert schema.status_code == 201
    assert OutputSchema.objects.get(name=A_SCHEMA, organization__slug="bravo").versions.count() == 1
    assert _snapshot(alpha["org"]) == before


def test_platform_defaults_are_read_only_to_every_key_and_reports_count_only_the_callers_jobs(org_factory: Any):
    alpha_key = client_for(org_factory(A_SLUG, Role.EDITOR)[1])
    for _ in range(3):
        assert alpha_key.post("/api/v1/generations", generation_body(), format="json").status_code == 202
    platform = PromptTemplate.objects.get(name="metadata_enrichment", organization__isnull=True)
    base = f"/api/v1/templates/{platform.id}"
    admin = client_for(org_factory("bravo", Role.ADMIN)[1])
    assert admin.get(base).status_code == 200  # every organization reads the defaults
    assert admin.delete(base).status_code == 403
    moved = admin.put(f"{base}/labels/production", {"arms": [{"version": "1.0.0"}], "reason": "x"}, format="json")
    assert moved.status_code == 403 and "fork" in moved.json()["error"]["message"].lower()
    assert admin.post(f"{base}/labels/production/rollback", {"reason": "x"}, format="json").status_code == 403
    assert (
        admin.post(f"{base}/versions", {"systemPrompt": SYSTEM, "userPrompt": USER}, format="json").status_code == 403
    )
    assert admin.put("/api/v1/schemas/metadata_enrichment", {"jsonSchema": SCHEMA}, format="json").status_code == 403
    assert PromptTemplate.objects.get(pk=platform.pk).deleted_at is None
    report = admin.get(f"{base}/experiments?label=production").json()["data"][0]
    assert sum(arm["jobs"] for arm in report["arms"]) == 0  # A's three jobs are not B's to see
    mine = alpha_key.get(f"{base}/experiments?label=production").json()["data"][0]
    assert sum(arm["jobs"] for arm in mine["arms"]) == 3
    history = admin.get(f"{base}/labels/production").json()["data"]["history"]
    assert {entry["movedBy"] for entry in history} == {"platform"}


def test_the_same_content_in_two_organizations_is_two_model_calls(org_factory: Any, scripted: Any) -> None:
    from beacon.testing import job_run_inline
    from llm.models import ModelCall

    def run(key: str) -> Job:
        job_id = client_for(key).post("/api/v1/generations", generation_body(), format="json").json()["data"]["id"]
        job_run_inline(job_id)
        return Job.objects.get(pk=job_id)

    alpha_key, bravo_key = org_factory(A_SLUG, Role.EDITOR)[1], org_factory("bravo", Role.EDITOR)[1]
    first, second, third = run(alpha_key), run(bravo_key), run(alpha_key)
    outcomes = [list(ModelCall.objects.filter(job=job).values_list("outcome", flat=True)) for job in (first, second)]
    assert outcomes == [["ok"], ["ok"]]  # B's job learns nothing of A's identical input
    assert list(ModelCall.objects.filter(job=third).values_list("outcome", flat=True)) == ["cached"]  # A's own cache
    from jobs.state import job_state_load

    fences = {job_state_load(job).fence_token for job in (first, second)}
    canaries = {job_state_load(job).canary for job in (first, second)}
    assert len(fences) == 2 and len(canaries) == 2


def test_the_customer_tier_comes_from_the_project_and_a_job_may_only_ask_for_less(org_factory: Any) -> None:
    org, key = org_factory("bravo", Role.EDITOR)
    client = client_for(key)

    def submit(**parameters: Any) -> Any:
        return client.post("/api/v1/generations", generation_body(**parameters), format="json")

    refused = submit(customer_tier="premium")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "tier_not_allowed"
    assert Job.objects.get(pk=submit().json()["data"]["id"]).customer_tier == "standard"
    assert Job.objects.get(pk=submit(customer_tier="free").json()["data"]["id"]).customer_tier == "free"
    Project.objects.filter(organization=org).update(customer_tier="premium")  # an operator's setting
    assert Job.objects.get(pk=submit().json()["data"]["id"]).customer_tier == "premium"
