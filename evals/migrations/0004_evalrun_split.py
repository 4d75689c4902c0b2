from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evals", "0003_runs_monitors_judge")]

    operations = [
        migrations.AddField(
            model_name="evalrun",
            name="split",
            field=models.CharField(blank=True, default="", max_length=8),
        ),
    ]
