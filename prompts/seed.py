"""One template per task kind, seeded from the files in prompts/task_kinds/.

Version 1.0.0, active, with the `production` label on it. Used by the data
migration, and again wherever the tables are emptied (tests that flush the
database). Idempotent: an existing template of that name is left alone.
"""

from typing import Any

from beacon.hashing import content_hash
from beacon.tenancy import platform_rows
from prompts.task_kinds import TASK_KINDS_DIR, task_kinds


def seed_task_kind_templates(get_model: Any = None) -> int:
    """`get_model(name)` returns the model class (a migration's historical
    models, or by default the current ones); returns how many were created."""
    if get_model is None:
        from django.apps import apps

        def get_model(name: str) -> Any:
            return apps.get_model("prompts", name)

    template_model, version_model = get_model("PromptTemplate"), get_model("TemplateVersion")
    label_model, arm_model, move_model = get_model("TemplateLabel"), get_model("LabelArm"), get_model("LabelMove")
    created = 0
    for kind in task_kinds().values():
        if platform_rows(template_model).filter(name=kind.name).exists():
            continue
        template = template_model.objects.create(
            id=kind.uuid, name=kind.name, task_kind=kind.name, description=kind.description, owner="beacon"
        )
        fields: dict[str, Any] = {
            "system_prompt": (TASK_KINDS_DIR / kind.name / "system.jinja").read_text(),
            "user_prompt": (TASK_KINDS_DIR / kind.name / "user.jinja").read_text(),
            "few_shot_examples": [],
            "metadata": {"tier": kind.tier, "maxTokens": kind.max_tokens, "temperature": kind.temperature},
            "parent_id": None,
        }
        version = version_model(
            template=template, version=kind.version, status="active", created_by="beacon",
            content_hash=content_hash(fields), **{k: v for k, v in fields.items() if k != "parent_id"},
        )  # fmt: skip
        version.save()
        label = label_model.objects.create(template=template, name="production")
        arm_model.objects.create(label=label, version=version, weight=100)
        move_model.objects.create(
            label=label, arms=[{"version": version.version, "versionId": str(version.id), "weight": 100}],
            previous_arms=[], moved_by="beacon", reason="seeded from prompts/task_kinds",
        )  # fmt: skip
        created += 1
    return created
