"""Give existing templates, tests and versions what tenancy needs.

- Templates: the task kinds' seeded templates (owner `beacon`) stay platform
  defaults. A template created over the API recorded its creator as its owner
  or as its first version's author ("<org slug>/<key prefix>"): it moves to
  that organization. One whose creator cannot be told stays a platform
  default, read-only to every API key.
- Template tests move to the organization that ran them (their `created_by`),
  else to their template's owner.
- Every version pins the output-schema version its reference means now
  (`metadata.outputSchema`, else the task kind's schema; the template's
  organization's own schema first, else the platform's), so later schema
  versions change nothing until a new template version adopts them.
"""

from django.db import migrations
from django.db.models import F, Q


def creator_organization(apps, actor):
    slug = (actor or "").split("/", 1)[0] if "/" in (actor or "") else ""
    if not slug:
        return None
    return apps.get_model("tenants", "Organization").objects.filter(slug=slug).first()


def assign_owners(apps, schema_editor):
    template_model = apps.get_model("prompts", "PromptTemplate")
    for template in template_model.objects.filter(organization__isnull=True):
        first = template.versions.order_by("created_at").first()
        organization = creator_organization(apps, template.owner) or creator_organization(
            apps, first.created_by if first else ""
        )
        if organization is not None:
            template.organization = organization
            template.save(update_fields=["organization"])
    for test in apps.get_model("prompts", "TemplateTest").objects.filter(organization__isnull=True):
        organization = creator_organization(apps, test.created_by)
        test.organization_id = organization.id if organization else test.version.template.organization_id
        test.save(update_fields=["organization"])


def pin_schemas(apps, schema_editor):
    version_model = apps.get_model("prompts", "TemplateVersion")
    schema_model = apps.get_model("validation", "OutputSchema")
    for version in version_model.objects.filter(output_schema_version__isnull=True).select_related("template"):
        reference = str((version.metadata or {}).get("outputSchema") or version.template.task_kind)
        name, _, number = reference.partition("@")
        organization_id = version.template.organization_id
        schema = (
            schema_model.objects.filter(Q(organization_id=organization_id) | Q(organization__isnull=True), name=name)
            .order_by(F("organization_id").asc(nulls_last=True))
            .first()
        )
        if schema is None:
            continue
        versions = schema.versions.all()
        pinned = versions.filter(version=number).first() if number else versions.order_by("-created_at").first()
        if pinned is not None:
            version_model.objects.filter(pk=version.pk).update(output_schema_version=pinned)


class Migration(migrations.Migration):
    dependencies = [("prompts", "0004_tenancy"), ("validation", "0004_tenancy_owners")]
    operations = [
        migrations.RunPython(assign_owners, migrations.RunPython.noop),
        migrations.RunPython(pin_schemas, migrations.RunPython.noop),
    ]
