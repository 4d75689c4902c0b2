"""Seed one template per task kind from the files in prompts/task_kinds/:
version 1.0.0, active, with the `production` label on it. From here on the
database is where prompts change; the files keep the shared `_base` templates
and each kind's input/output contract."""

from django.db import migrations

CONTENT = ("system_prompt", "user_prompt", "few_shot_examples", "metadata", "parent_id")


def seed(apps, schema_editor):
    from prompts.models import content_hash
    from prompts.task_kinds import TASK_KINDS_DIR, task_kinds

    PromptTemplate = apps.get_model("prompts", "PromptTemplate")
    TemplateVersion = apps.get_model("prompts", "TemplateVersion")
    TemplateLabel = apps.get_model("prompts", "TemplateLabel")
    LabelArm = apps.get_model("prompts", "LabelArm")
    LabelMove = apps.get_model("prompts", "LabelMove")
    for kind in task_kinds().values():
        if PromptTemplate.objects.filter(name=kind.name).exists():
            continue
        template = PromptTemplate.objects.create(
            id=kind.uuid, name=kind.name, task_kind=kind.name, description=kind.description, owner="beacon"
        )
        fields = {
            "system_prompt": (TASK_KINDS_DIR / kind.name / "system.jinja").read_text(),
            "user_prompt": (TASK_KINDS_DIR / kind.name / "user.jinja").read_text(),
            "few_shot_examples": [],
            "metadata": {"tier": kind.tier, "maxTokens": kind.max_tokens, "temperature": kind.temperature},
            "parent_id": None,
        }
        version = TemplateVersion.objects.create(
            template=template,
            version=kind.version,
            status="active",
            created_by="beacon",
            content_hash=content_hash(fields),
            **{k: v for k, v in fields.items() if k != "parent_id"},
        )
        label = TemplateLabel.objects.create(template=template, name="production")
        LabelArm.objects.create(label=label, version=version, weight=100)
        LabelMove.objects.create(
            label=label,
            arms=[{"version": version.version, "versionId": str(version.id), "weight": 100}],
            previous_arms=[],
            moved_by="beacon",
            reason="seeded from prompts/task_kinds",
        )


class Migration(migrations.Migration):
    dependencies = [("prompts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
