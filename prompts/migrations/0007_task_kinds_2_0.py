"""Add the platform template versions the task kinds' files now name (2.0.0:
extraction from candidates, tagging from a ranked shortlist, moderation with
the policy's verdict) and move each production label to it; the label's
move history keeps where it was, so a rollback returns to 1.0.0."""

from django.db import migrations


def seed(apps, schema_editor):
    from prompts.seed import seed_task_kind_templates

    def get_model(name):
        return apps.get_model(name) if "." in name else apps.get_model("prompts", name)

    seed_task_kind_templates(get_model)


class Migration(migrations.Migration):
    dependencies = [("prompts", "0006_approval_permission"), ("validation", "0005_task_kind_schema_versions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
