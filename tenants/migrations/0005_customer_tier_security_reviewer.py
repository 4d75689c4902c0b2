from django.db import migrations, models

TIERS = [("free", "Free"), ("standard", "Standard"), ("premium", "Premium")]


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_rate_limits")]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="customer_tier",
            field=models.CharField(choices=TIERS, default="standard", max_length=10),
        ),
        migrations.AddField(
            model_name="project",
            name="customer_tier",
            field=models.CharField(blank=True, choices=TIERS, max_length=10),
        ),
        migrations.AddField(
            model_name="apikey",
            name="security_reviewer",
            field=models.BooleanField(default=False),
        ),
    ]
