"""Give existing output schemas an owner.

Schemas seeded for the task kinds (and any whose first version was written by
`beacon`) stay platform defaults (organization empty). A schema created over
the API before schemas had owners records its creator only in its versions'
`created_by` ("<org slug>/<key prefix>"): it moves to that organization. One
whose creator cannot be told stays a platform default, which no API key can
change any more (docs/operations.md, "Upgrading to owned registries").
"""

from django.db import migrations


def creator_organization(apps, actor):
    slug = (actor or "").split("/", 1)[0] if "/" in (actor or "") else ""
    if not slug:
        return None
    return apps.get_model("tenants", "Organization").objects.filter(slug=slug).first()


def assign_owners(apps, schema_editor):
    schema_model = apps.get_model("validation", "OutputSchema")
    for schema in schema_model.objects.filter(organization__isnull=True):
        first = schema.versions.order_by("created_at").first()
        organization = creator_organization(apps, first.created_by if first else "")
        if organization is not None:
            schema.organization = organization
            schema.save(update_fields=["organization"])


class Migration(migrations.Migration):
    dependencies = [("validation", "0003_tenancy")]
    operations = [migrations.RunPython(assign_owners, migrations.RunPython.noop)]
