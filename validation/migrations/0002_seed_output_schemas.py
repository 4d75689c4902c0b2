from django.db import migrations


def seed(apps, schema_editor):
    from prompts.task_kinds import task_kinds
    from validation.seed import seed_output_schemas

    seed_output_schemas(task_kinds().values(), lambda name: apps.get_model("validation", name))


class Migration(migrations.Migration):
    dependencies = [("validation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
