"""The tenancy migrations on a database seeded the old way: registries
without owners, created over the API by organizations' keys."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from prompts.models import PromptTemplate, TemplateTest, TemplateVersion
from prompts.task_kinds import task_kinds
from tenants.models import Organization
from validation.models import OutputSchema

BEFORE = [("tenants", "0004_rate_limits"), ("prompts", "0003_prompttemplate_auto_rollback"),
          ("validation", "0002_seed_output_schemas")]  # fmt: skip


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Every app's newest migration: going back to BEFORE also unapplies
    other apps' migrations that depend on later ones (jobs' batches need
    tenants' newest), and every test after this one needs them back."""
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_rows_move_to_their_creators_organization_or_the_platform() -> None:
    executor = MigrationExecutor(connection)
    latest = _latest(executor)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("tenants", "Organization").objects.create(slug="acme", name="Acme")
    template_model, version_model = (
        old.get_model("prompts", "PromptTemplate"),
        old.get_model("prompts", "TemplateVersion"),
    )
    custom = template_model.objects.create(name="acme-custom", task_kind="metadata_enrichment", owner="acme/bk_abc1234")
    custom_version = version_model.objects.create(
        template=custom, version="1.0.0", system_prompt="s", user_prompt="u", status="active",
        created_by="acme/bk_abc1234", content_hash="0" * 64,
    )  # fmt: skip
    orphan = template_model.objects.create(name="nobody-knows", task_kind="metadata_enrichment", owner="")
    version_model.objects.create(template=orphan, version="1.0.0", system_prompt="s", user_prompt="u", status="draft",
                                 created_by="", content_hash="1" * 64)  # fmt: skip
    seeded = template_model.objects.get(name="metadata_enrichment")
    old.get_model("prompts", "TemplateTest").objects.create(
        version=seeded.versions.get(), parameters={"content": "acme's sample"}, created_by="acme/bk_abc1234"
    )
    schema = old.get_model("validation", "OutputSchema").objects.create(name="acme-offer")
    old.get_model("validation", "SchemaVersion").objects.create(
        schema=schema, version="1.0.0", json_schema={}, created_by="acme/bk_abc1234", content_hash="2" * 64
    )

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    acme = Organization.objects.get(slug="acme")

    assert PromptTemplate.objects.get(pk=custom.pk).organization == acme
    assert PromptTemplate.objects.get(pk=orphan.pk).organization is None  # read-only to every key from now on
    assert PromptTemplate.objects.get(pk=seeded.pk).organization is None
    assert TemplateTest.objects.get(parameters={"content": "acme's sample"}).organization == acme
    assert OutputSchema.objects.get(name="acme-offer").organization == acme
    assert OutputSchema.objects.get(name="metadata_enrichment").organization is None
    # Every version pins the schema version its reference meant at migration time.
    pinned = TemplateVersion.objects.get(pk=custom_version.pk).output_schema_version
    # (A fresh database was seeded with the schema version the kind's files name.)
    assert (
        pinned is not None
        and str(pinned) == f"metadata_enrichment@{task_kinds()['metadata_enrichment'].schema_version}"
    )
    assert not TemplateVersion.objects.filter(output_schema_version__isnull=True).exists()
