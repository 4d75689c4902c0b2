"""The output schema registry: seeded kinds, checks on save, components,
compatibility, immutability, endpoints with roles, docs and usage."""

import json
from typing import Any

import pytest

from beacon.testing import client_for
from prompts.task_kinds import task_kinds
from tenants.models import Role
from validation.models import ImmutableSchemaError, OutputSchema, SchemaVersion
from validation.schemas import breaking_changes, schema_validator

pytestmark = pytest.mark.django_db
PROPERTIES: dict[str, Any] = {"sku": {"type": "string"}, "price": {"type": "number"}}
PRICE: dict[str, Any] = {"type": "object", "required": ["sku", "price"], "properties": PROPERTIES}


@pytest.fixture
def editor(org_factory):
    return client_for(org_factory("acme", Role.EDITOR)[1])


def test_each_task_kind_is_seeded_with_its_rules():
    version = SchemaVersion.objects.get(schema__name="moderation_summary", version="1.0.0")
    assert version.json_schema["required"] == ["verdict", "categories", "summary"]
    assert [r["id"] for r in version.rules] == ["block-names-a-category", "allow-has-none"]


def test_versions_are_immutable():
    version = SchemaVersion.objects.get(schema__name="moderation_summary", version="1.0.0")
    version.rules = []
    with pytest.raises(ImmutableSchemaError):
        version.save()


def test_breaking_changes_are_found():
    assert breaking_changes(PRICE, {**PRICE, "required": ["sku"]}) == ["required field price removed"]
    retyped = {**PRICE, "properties": {**PROPERTIES, "price": {"type": "string"}}}
    assert breaking_changes(PRICE, retyped) == ["required field price changed type from number to string"]
    added = {**PRICE, "required": ["sku", "price", "currency"],
             "properties": {**PROPERTIES, "currency": {"type": "string"}}}  # fmt: skip
    assert breaking_changes(PRICE, added) == []


def test_the_api_creates_checks_and_versions_schemas(editor, org_factory):
    created = editor.post("/api/v1/schemas", {"name": "offer", "jsonSchema": PRICE,
                                              "rules": [{"id": "price", "kind": "range", "path": "price", "min": 0}]},
                          format="json")  # fmt: skip
    assert created.status_code == 201 and created.json()["data"]["version"] == "1.0.0"
    docs = created.json()["data"]["documentation"]
    assert docs["exampleOutput"] == {"sku": "x", "price": 0.0} and docs["rules"] == ["price: price between 0 and None"]
    minor = editor.put("/api/v1/schemas/offer", {"jsonSchema": {**PRICE, "properties": {
        **PROPERTIES, "note": {"type": "string"}}}}, format="json")  # fmt: skip
    assert minor.status_code == 201 and minor.json()["data"]["version"] == "1.1.0"
    breaking = editor.put("/api/v1/schemas/offer", {"jsonSchema": {**PRICE, "required": ["sku"]}}, format="json")
    assert breaking.status_code == 409 and breaking.json()["error"]["code"] == "incompatible_schema"
    assert breaking.json()["error"]["details"][0]["message"] == "required field price removed"
    major = editor.put("/api/v1/schemas/offer", {"jsonSchema": {**PRICE, "required": ["sku"]}, "version": "2.0.0"},
                       format="json")  # fmt: skip
    assert major.status_code == 201
    invalid = editor.put("/api/v1/schemas/offer", {"jsonSchema": {"type": "nonsense"}}, format="json")
    assert invalid.status_code == 422
    body = {"jsonSchema": PRICE, "version": "3.0.0", "rules": [{"id": "r", "kind": "telepathy"}]}
    bad_rule = editor.put("/api/v1/schemas/offer", body, format="json")
    assert bad_rule.status_code == 422
    viewer = client_for(org_factory("acme", Role.VIEWER)[1])
    assert viewer.put("/api/v1/schemas/offer", {"jsonSchema": PRICE}, format="json").status_code == 403
    detail = viewer.get("/api/v1/schemas/offer").json()["data"]
    assert [v["version"] for v in detail["versions"]] == ["2.0.0", "1.1.0", "1.0.0"]
    assert viewer.get("/api/v1/schemas/offer/versions/1.1.0").status_code == 200


def test_components_compose_by_ref(editor):
    schema = {"type": "object", "required": ["brand"],
              "properties": {"brand": {"$ref": "urn:beacon:component:evidence-field"}}}  # fmt: skip
    response = editor.post("/api/v1/schemas", {"name": "brand-only", "jsonSchema": schema}, format="json")
    assert response.status_code == 201
    validator = schema_validator(schema)
    assert validator.is_valid({"brand": {"value": "Acme", "evidence": "Acme shirt"}})
    assert not validator.is_valid({"brand": {"value": "Acme"}})
    unknown = {"type": "object", "properties": {"x": {"$ref": "urn:beacon:component:nope"}}}
    assert editor.post("/api/v1/schemas", {"name": "bad-ref", "jsonSchema": unknown}, format="json").status_code == 422
    remote = {"type": "object", "properties": {"x": {"$ref": "https://example.com/schema.json"}}}
    assert editor.post("/api/v1/schemas", {"name": "remote", "jsonSchema": remote}, format="json").status_code == 422


def test_usage_lists_the_templates_and_jobs_of_a_kind(api, editor):
    from beacon.testing import generation_body

    api.post("/api/v1/generations", generation_body(), format="json")
    usage = editor.get("/api/v1/schemas/metadata_enrichment").json()["data"]["usage"]
    kind = task_kinds()["metadata_enrichment"]
    assert usage == {"templates": [f"metadata_enrichment@{kind.version} (schema {kind.schema_version})"],
                     "jobs": {kind.schema_version: 1}}  # fmt: skip
    assert OutputSchema.objects.count() >= 4


def test_a_new_schema_version_changes_nothing_until_a_template_version_adopts_it(api, scripted, editor):
    from beacon.testing import generation_body
    from jobs.models import Job
    from jobs.services import pipeline
    from llm.scripted import scripted_responses_push
    from prompts.models import PromptTemplate
    from prompts.services import PRODUCTION, Arm, label_set, template_fork, version_create
    from prompts.tests.factories import version_activate
    from tenants.models import Organization

    platform = SchemaVersion.objects.get(schema__name="moderation_summary", version="1.0.0")
    rule = {"id": "no-shouting", "kind": "expression", "expression": "summary != upper(summary)",
            "message": "the summary is in capitals"}  # fmt: skip
    body = {"jsonSchema": platform.json_schema, "rules": [*platform.rules, rule], "quality": platform.quality}
    assert editor.put("/api/v1/schemas/moderation_summary", body, format="json").status_code == 403  # platform's
    assert editor.post("/api/v1/schemas/moderation_summary/fork").status_code == 201
    response = editor.put("/api/v1/schemas/moderation_summary", body, format="json")
    assert response.json()["data"]["version"] == "1.1.0"

    def job_through_validate():
        # Moderation's model answers the verdict and the summary; the categories are the policy's.
        scripted_responses_push('{"verdict": "allow", "summary": "A KETTLE REVIEW."}')
        job_id = api.post("/api/v1/generations", generation_body("moderation_summary"), format="json").json()
        for stage in (pipeline.prepare_run, pipeline.assemble_run, pipeline.generate_run, pipeline.validate_run):
            stage(job_id=job_id["data"]["id"])
        return Job.objects.get(pk=job_id["data"]["id"])

    assert job_through_validate().output_schema_version == platform  # the template pins 1.0.0 still
    acme = Organization.objects.get(slug="acme")
    template = template_fork(template=PromptTemplate.objects.get(name="moderation_summary", organization=None),
                             organization=acme, forked_by="t")  # fmt: skip
    current = template.versions.get()
    adopted = version_activate(version_create(template=template, system_prompt=current.system_prompt,
                                              user_prompt=current.user_prompt, metadata=current.metadata))  # fmt: skip
    pin = adopted.output_schema_version
    assert pin is not None and pin.version == "1.1.0" and pin.schema.organization == acme
    label_set(template=template, name=PRODUCTION, arms=[Arm(adopted)], moved_by="t", reason="adopt the schema")
    job = job_through_validate()
    assert job.output_schema_version is not None and job.output_schema_version.version == "1.1.0"
    trace = {entry["rule"]: entry for entry in job.result.validation["trace"]}
    assert trace["no-shouting"]["passed"] is False  # sent back with feedback


def test_a_refused_first_version_leaves_no_schema_behind(editor):
    response = editor.post("/api/v1/schemas", {"name": "broken", "jsonSchema": {"type": "nonsense"}}, format="json")
    assert response.status_code == 422
    assert editor.get("/api/v1/schemas/broken").status_code == 404


def test_a_breaking_version_is_refused_while_an_active_template_version_pins_the_schema(editor, tmp_path):
    from django.core.management import CommandError, call_command

    from prompts.models import TemplateVersion
    from prompts.services import template_create, version_create
    from prompts.tests.factories import version_activate
    from tenants.models import Organization

    assert editor.post("/api/v1/schemas", {"name": "offer", "jsonSchema": PRICE}, format="json").status_code == 201
    acme = Organization.objects.get(slug="acme")
    template = template_create(organization=acme, name="offers", task_kind="metadata_enrichment")
    system = '{% extends "_base/system.jinja" %}{% block task %}Offer.{% endblock %}'
    user = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'
    version = version_activate(version_create(template=template, system_prompt=system, user_prompt=user,
                                              metadata={"outputSchema": "offer"}))  # fmt: skip
    assert str(version.output_schema_version) == "offer@1.0.0"
    breaking = {"jsonSchema": {**PRICE, "required": ["sku"]}, "version": "2.0.0"}
    refused = editor.put("/api/v1/schemas/offer", breaking, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "incompatible_schema"
    assert {"field": "pinnedBy", "message": "offers@1.0.0"} in refused.json()["error"]["details"]
    (tmp_path / "v2.json").write_text(json.dumps(breaking))
    with pytest.raises(CommandError, match="pin"):
        call_command("platform_schema", "offer", str(tmp_path / "v2.json"), "--org", "acme", "--number", "2.0.0")
    call_command("platform_schema", "offer", str(tmp_path / "v2.json"), "--org", "acme", "--number", "2.0.0",
                 "--force")  # fmt: skip
    assert SchemaVersion.objects.filter(schema__name="offer", version="2.0.0").exists()
    assert str(TemplateVersion.objects.get(pk=version.pk).output_schema_version) == "offer@1.0.0"  # still pinned
