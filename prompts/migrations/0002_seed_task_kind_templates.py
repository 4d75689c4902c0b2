"""Seed one template per task kind from the files (prompts/seed.py). From here
on the database is where prompts change; the files keep the shared `_base`
templates and each kind's input/output contract."""

from django.db import migrations


def seed(apps, schema_editor):
    from prompts.seed import seed_task_kind_templates

    seed_task_kind_templates(lambda name: apps.get_model("prompts", name))


class Migration(migrations.Migration):
    dependencies = [("prompts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
