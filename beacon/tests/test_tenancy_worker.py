"""The attacks from the tenancy issue, through the real stack: B's editor and
admin try to move, roll back, delete and poison what A's jobs run, then A's
jobs run through a real Celery worker on A's own versions and complete.

The model is scripted: this is about which template and schema versions a
job resolves, not about what a model writes."""

from typing import Any

import pytest

from beacon.testing import client_for, generation_body, wait_terminal
from jobs.models import Job
from prompts.models import PromptTemplate
from prompts.services import PRODUCTION, Arm, label_set, template_fork, version_create
from prompts.tests.factories import version_activate
from tenants.models import Organization, Role
from validation.models import SchemaVersion

pytestmark = [pytest.mark.slow]
KIND = "metadata_enrichment"
ALWAYS_FAILS = {"id": "never", "kind": "expression", "expression": "1 == 2", "message": "always fails"}


def test_another_organizations_attacks_change_nothing_that_a_runs(org_factory: Any, start_worker: Any) -> None:
    alpha_org, alpha_key = org_factory("alpha", Role.EDITOR)
    alpha = client_for(alpha_key)
    platform = PromptTemplate.objects.get(name=KIND, organization__isnull=True)
    # A customizes the default: its own copy, with its own version in production.
    own = template_fork(template=platform, organization=alpha_org, forked_by="alpha/ed")
    base = own.versions.get()
    mine = version_activate(version_create(template=own, system_prompt=base.system_prompt + "\nBe precise.",
                                           user_prompt=base.user_prompt, created_by="alpha/ed"))  # fmt: skip
    label_set(template=own, name=PRODUCTION, arms=[Arm(mine)], moved_by="alpha/ed", reason="launch")
    platform_schema = SchemaVersion.objects.get(schema__name=KIND, schema__organization__isnull=True)

    editor, admin = client_for(org_factory("bravo", Role.EDITOR)[1]), client_for(org_factory("bravo", Role.ADMIN)[1])
    attacks = [
        editor.put(f"/api/v1/templates/{own.id}/labels/production", {"arms": [{"version": "1.0.0"}], "reason": "x"},
                   format="json"),
        editor.post(f"/api/v1/templates/{own.id}/labels/production/rollback", {"reason": "x"}, format="json"),
        admin.delete(f"/api/v1/templates/{own.id}"),
        admin.delete(f"/api/v1/templates/{platform.id}"),
        editor.put(f"/api/v1/templates/{platform.id}/labels/production", {"arms": [{"version": "1.0.0"}],
                   "reason": "x"}, format="json"),
        editor.put(f"/api/v1/schemas/{KIND}", {"jsonSchema": platform_schema.json_schema,
                   "rules": [ALWAYS_FAILS]}, format="json"),
        editor.get(f"/api/v1/templates/{own.id}/tests"),
        editor.get(f"/api/v1/templates/{own.id}/experiments"),
    ]  # fmt: skip
    assert [r.status_code for r in attacks] == [404, 404, 404, 403, 403, 403, 404, 404]
    # B's own fork of the schema with a rule that always fails touches only B.
    assert editor.post(f"/api/v1/schemas/{KIND}/fork").status_code == 201
    poisoned = editor.put(f"/api/v1/schemas/{KIND}", {"jsonSchema": platform_schema.json_schema,
                          "rules": [ALWAYS_FAILS]}, format="json")  # fmt: skip
    assert poisoned.status_code == 201

    start_worker(LLM_PROVIDER="scripted")
    ids = [alpha.post("/api/v1/generations", generation_body(KIND), format="json").json()["data"]["id"]
           for _ in range(3)]  # fmt: skip
    for job_id in ids:
        assert wait_terminal(job_id, timeout=90) == "completed"
        job = Job.objects.get(pk=job_id)
        assert job.prompt_version_id == mine.id and job.output_schema_version_id == platform_schema.id
    assert Organization.objects.get(slug="alpha").prompt_templates.get(name=KIND).deleted_at is None
