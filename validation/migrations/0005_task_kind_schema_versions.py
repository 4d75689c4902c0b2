"""Add the output-schema versions the task kinds' files now name (e.g. the
enrichment fields' located evidence, 1.1.0), beside the ones in use."""

from django.db import migrations


def seed(apps, schema_editor):
    from prompts.task_kinds import task_kinds
    from validation.seed import seed_output_schemas

    seed_output_schemas(task_kinds().values(), lambda name: apps.get_model("validation", name))


class Migration(migrations.Migration):
    # After the tenancy migration pinned every existing version to the schema
    # version it meant then; new versions pin this one from now on.
    dependencies = [("validation", "0004_tenancy_owners"), ("prompts", "0006_approval_permission")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
