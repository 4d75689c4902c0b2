"""One template per task kind, seeded from the files in prompts/task_kinds/.

The version kind.json names, active, with the `production` label on it. Used
by the data migrations, and again wherever the tables are emptied (tests
that flush the database). Idempotent: a template that already has that
version is left alone; one that lacks it (a database from before the kind's
files changed) gets it as a new version, and its production label moves to
it, recorded as a label move like any other.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist

from common.hashing import content_hash
from common.tenancy import platform_rows
from prompts.task_kinds import TASK_KINDS_DIR, task_kinds


def seed_task_kind_templates(get_model: Any = None) -> int:
    """`get_model(name)` returns the model class (a migration's historical
    models, or by default the current ones; a dotted name is another app's);
    returns how many were created."""
    if get_model is None:
        from django.apps import apps

        def get_model(name: str) -> Any:
            return apps.get_model(name) if "." in name else apps.get_model("prompts", name)

    template_model, version_model = get_model("PromptTemplate"), get_model("TemplateVersion")
    label_model, arm_model, move_model = get_model("TemplateLabel"), get_model("LabelArm"), get_model("LabelMove")
    created = 0
    for kind in task_kinds().values():
        template = platform_rows(template_model).filter(name=kind.name).first()
        if template is not None and template.versions.filter(version=kind.version).exists():
            continue
        if template is None:
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
            template=template,
            version=kind.version,
            status="active",
            created_by="beacon",
            content_hash=content_hash(fields),
            **{k: v for k, v in fields.items() if k != "parent_id"},
        )
        _pin_schema(version, kind, get_model)
        version.save()
        label, _ = label_model.objects.get_or_create(template=template, name="production")
        previous = [
            {"version": arm.version.version, "versionId": str(arm.version_id), "weight": arm.weight}
            for arm in label.arms.select_related("version")
        ]
        label.arms.all().delete()
        arm_model.objects.create(label=label, version=version, weight=100)
        move_model.objects.create(
            label=label,
            arms=[{"version": version.version, "versionId": str(version.id), "weight": 100}],
            previous_arms=previous,
            moved_by="beacon",
            reason=f"seeded {kind.version} from prompts/task_kinds",
        )
        created += 1
    return created


def _pin_schema(version: Any, kind: Any, get_model: Any) -> None:
    """Pin the platform schema version the kind names, where both the field
    and the validation app's tables exist (not in the first migrations)."""
    try:
        version._meta.get_field("output_schema_version")
        name = "validation.SchemaVersion"
        schema_version_model = get_model(name) if _has_model(get_model, name) else None
    except FieldDoesNotExist:
        return
    if schema_version_model is None:
        return
    version.output_schema_version = schema_version_model.objects.filter(
        schema__name=kind.name, schema__organization__isnull=True, version=kind.schema_version
    ).first()


def _has_model(get_model: Any, name: str) -> bool:
    try:
        get_model(name)
    except (LookupError, ValueError):
        return False
    return True
