"""Writing prompt templates: versions, the review workflow, labels, rollback.

Versions are immutable (the model refuses changed content) and checked before
they are saved (prompts/checks.py). A label move records who and why; a
rollback is a label move back to what the label pointed at before.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from prompts.approvals import PRODUCTION, approval_blockers
from prompts.checks import CheckError, version_check
from prompts.errors import TemplateError
from prompts.golden import golden_gate, golden_run_start
from prompts.models import SEMVER, LabelArm, LabelMove, PromptTemplate, TemplateLabel, TemplateVersion, VersionStatus
from prompts.task_kinds import task_kinds
from prompts.tasks import golden_run_task

__all__ = ["PRODUCTION", "SEMVER", "TemplateError"]  # re-exported: callers name them through services


# What may stop a version from going to production, each a function that
# returns why or None. Evaluation registers its launch gate here (evals/apps.py):
# prompts sits below evals and never imports it.
LAUNCH_CHECKS: list[Callable[[TemplateVersion], str | None]] = []


def launch_blockers(version: TemplateVersion) -> list[str]:
    return [why for check in LAUNCH_CHECKS if (why := check(version))]


# Which output-schema version a new template version pins, given the
# template's organization (None: platform) and the reference in its metadata
# ("name" or "name@1.2.0"). Validation answers; the wiring is done by jobs
# (jobs/apps.py), the app above both, since prompts and validation share a
# floor and do not import each other. Empty: versions are created unpinned.
SCHEMA_PINS: list[Callable[[Any, str], Any]] = []


def schema_pin_for(*, organization_id: Any, reference: str) -> Any:
    return SCHEMA_PINS[0](organization_id, reference) if SCHEMA_PINS else None


def template_create(
    *, organization: Any, name: str, task_kind: str, description: str = "", owner: str = "", sensitive: bool = False
) -> PromptTemplate:
    """A template of `organization`'s own (None: a platform default, for
    platform operators only). A platform default's name is taken: an
    organization customizes a default by forking it (template_fork)."""
    if task_kind not in task_kinds():
        raise TemplateError(f"unknown task kind {task_kind!r}", code="unknown_task_kind")
    live = PromptTemplate.objects.filter(name=name, deleted_at__isnull=True)
    if live.filter(organization=organization).exists():
        raise TemplateError(f"a template named {name!r} exists", code="conflict")
    if organization is not None and live.filter(organization__isnull=True).exists():
        raise TemplateError(f"{name!r} is a platform template; fork it to customize it", code="conflict")
    return PromptTemplate.objects.create(
        organization=organization,
        name=name,
        task_kind=task_kind,
        description=description,
        owner=owner,
        sensitive=sensitive,
    )


def template_fork(*, template: PromptTemplate, organization: Any, forked_by: str) -> PromptTemplate:
    """Copy-on-write: `organization` gets its own template of the default's
    name, starting at the version the default's production label serves
    (same content, same schema pin, active, with production on it), so its
    jobs run exactly what they ran before, and its own labels move only its
    own traffic from then on."""
    if not template.is_platform:
        raise TemplateError("only a platform template can be forked", code="validation_error")
    if PromptTemplate.objects.filter(organization=organization, name=template.name, deleted_at__isnull=True).exists():
        raise TemplateError(f"this organization already has its own {template.name!r}", code="conflict")
    label = TemplateLabel.objects.filter(template=template, name=PRODUCTION).first()
    arm = label.arms.select_related("version").first() if label else None
    source = arm.version if arm else template.versions.filter(status=VersionStatus.ACTIVE).first()
    with transaction.atomic():
        fork = PromptTemplate.objects.create(
            organization=organization,
            name=template.name,
            task_kind=template.task_kind,
            description=template.description,
            owner=forked_by,
            sensitive=template.sensitive,
            forked_from=template,
            auto_rollback=template.auto_rollback,
        )
        if source is None:
            return fork
        copy = TemplateVersion.objects.create(
            template=fork,
            version=source.version,
            system_prompt=source.system_prompt,
            user_prompt=source.user_prompt,
            few_shot_examples=source.few_shot_examples,
            metadata=source.metadata,
            output_schema_version=source.output_schema_version,
            status=VersionStatus.ACTIVE,
            created_by=f"fork of {template.name}@{source.version}",
        )
        label_set(
            template=fork,
            name=PRODUCTION,
            arms=[Arm(copy)],
            moved_by=forked_by,
            reason=f"forked from the platform template at {source.version}",
            gated=False,
        )
    return fork


def _next_version(template: PromptTemplate) -> str:
    numbers = [
        tuple(int(p) for p in v.split("."))
        for v in template.versions.values_list("version", flat=True)
        if SEMVER.match(v)
    ]
    if not numbers:
        return "1.0.0"
    major, minor, _ = max(numbers)
    return f"{major}.{minor + 1}.0"


def version_create(
    *,
    template: PromptTemplate,
    system_prompt: str,
    user_prompt: str,
    few_shot_examples: list[Any] | None = None,
    metadata: dict[str, Any] | None = None,
    parent: TemplateVersion | None = None,
    version: str | None = None,
    created_by: str = "",
) -> TemplateVersion:
    """A new draft version, checked before it is saved."""
    if template.deleted_at is not None:
        raise TemplateError("the template is deleted", code="not_found")
    number = version or _next_version(template)
    if not SEMVER.match(number):
        raise TemplateError(f"version {number!r} is not semver (MAJOR.MINOR.PATCH)", code="validation_error")
    if template.versions.filter(version=number).exists():
        raise TemplateError(f"version {number} exists; versions are immutable", code="conflict")
    if parent is not None and parent.template.task_kind != template.task_kind:
        raise TemplateError("a parent version must belong to a template of the same task kind")
    kind = task_kinds()[template.task_kind]
    examples = few_shot_examples or []
    metadata = metadata or {}
    reference = str(metadata.get("outputSchema") or template.task_kind)
    pin = schema_pin_for(organization_id=template.organization_id, reference=reference)
    if SCHEMA_PINS and pin is None:
        missing = f"no output schema {reference!r}"
        raise TemplateError(
            f"metadata.outputSchema: {missing}",
            code="validation_error",
            errors=[CheckError("metadata.outputSchema", missing)],
        )
    errors = version_check(
        kind=kind,
        system_prompt=system_prompt,
        user_prompt=user_prompt,
        few_shot_examples=examples,
        parent_id=parent.id if parent else None,
    )
    if errors:
        raise TemplateError("the version does not pass its checks", code="validation_error", errors=errors)
    return TemplateVersion.objects.create(
        template=template,
        version=number,
        system_prompt=system_prompt,
        user_prompt=user_prompt,
        few_shot_examples=examples,
        metadata=metadata,
        parent=parent,
        output_schema_version=pin,
        created_by=created_by,
    )


def version_edit(*, version: TemplateVersion, changes: dict[str, Any], created_by: str = "") -> TemplateVersion:
    """Editing never mutates: the result is a new draft with the changes
    applied to a copy of `version` (same parent)."""
    return version_create(
        template=version.template,
        system_prompt=changes.get("system_prompt", version.system_prompt),
        user_prompt=changes.get("user_prompt", version.user_prompt),
        few_shot_examples=changes.get("few_shot_examples", version.few_shot_examples),
        metadata=changes.get("metadata", version.metadata),
        parent=version.parent,
        version=changes.get("version"),
        created_by=created_by,
    )


TRANSITIONS = {
    "submit": "submit_for_review",
    "send_back": "send_back",
    "activate": "activate",
    "deprecate": "deprecate",
}


def version_transition(*, version: TemplateVersion, action: str) -> TemplateVersion:
    """Move a version through draft -> review -> active -> deprecated."""
    method = TRANSITIONS.get(action)
    if method is None:
        raise TemplateError(f"unknown action {action!r}; one of {sorted(TRANSITIONS)}", code="validation_error")
    with transaction.atomic():
        locked = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        if action == "activate" and locked.status == VersionStatus.REVIEW:
            if why := golden_gate(locked):
                raise TemplateError(f"cannot activate: {why}", code="invalid_state")
            if blockers := approval_blockers(locked):
                raise TemplateError(f"cannot activate: {'; '.join(blockers)}", code="approval_required")
        try:
            getattr(locked, method)()
        except TransitionNotAllowed:
            raise TemplateError(f"a {locked.status} version cannot {action}", code="invalid_state") from None
        # Only the status changes, never the content: the save keeps the hash.
        locked.save(update_fields=["status"])
        if action == "submit" and (run := golden_run_start(locked)) is not None:
            transaction.on_commit(partial(golden_run_task.delay, str(run.id)))
    return locked


@dataclass(frozen=True)
class Arm:
    version: TemplateVersion
    weight: int = 100


def _arms_record(arms: list[Any]) -> list[dict[str, Any]]:
    return [{"version": a.version.version, "versionId": str(a.version.id), "weight": a.weight} for a in arms]


def label_set(
    *, template: PromptTemplate, name: str, arms: list[Arm], moved_by: str, reason: str, gated: bool = True
) -> TemplateLabel:
    """Point label `name` at one version, or split it between several by
    weight. Production needs each version to have its approvals and to pass
    the launch checks, except on a rollback (`gated=False`): the label goes
    back where it was live."""
    if not reason.strip():
        raise TemplateError("say why the label moves (reason)", code="validation_error")
    if not arms or any(a.weight <= 0 for a in arms) or len({a.version.id for a in arms}) != len(arms):
        raise TemplateError("a label needs one or more distinct versions with positive weights")
    # Versions production already serves keep serving (reweighting an
    # experiment needs no new approvals); a version new to it needs them.
    serving = set(
        LabelArm.objects.filter(label__template=template, label__name=name).values_list("version_id", flat=True)
    )
    for arm in arms:
        if arm.version.template_id != template.id:
            raise TemplateError(f"version {arm.version.version} belongs to another template")
        if name == PRODUCTION and arm.version.status != VersionStatus.ACTIVE:
            raise TemplateError(
                f"production may only point at active versions; {arm.version.version} is {arm.version.status}",
                code="invalid_state",
            )
        new = arm.version.id not in serving
        if name == PRODUCTION and gated and new and (blockers := approval_blockers(arm.version)):
            raise TemplateError(
                f"{arm.version.version} may not go to production: {'; '.join(blockers)}", code="approval_required"
            )
        if name == PRODUCTION and gated and (blockers := launch_blockers(arm.version)):
            raise TemplateError(
                f"{arm.version.version} may not go to production: {'; '.join(blockers)}", code="launch_gate"
            )
    with transaction.atomic():
        label, _ = TemplateLabel.objects.select_for_update().get_or_create(template=template, name=name)
        previous = _arms_record(list(label.arms.select_related("version")))
        label.arms.all().delete()
        LabelArm.objects.bulk_create([LabelArm(label=label, version=a.version, weight=a.weight) for a in arms])
        LabelMove.objects.create(
            label=label, arms=_arms_record(arms), previous_arms=previous, moved_by=moved_by, reason=reason
        )
        label.save()  # bumps updated_at
    return label


def label_rollback(*, template: PromptTemplate, name: str, moved_by: str, reason: str) -> TemplateLabel:
    """Point the label back where it was before its last move."""
    label = TemplateLabel.objects.filter(template=template, name=name).first()
    last = label.moves.first() if label else None
    if label is None or last is None or not last.previous_arms:
        raise TemplateError(f"label {name!r} has no earlier position to roll back to", code="invalid_state")
    versions = {str(v.id): v for v in template.versions.filter(id__in=[a["versionId"] for a in last.previous_arms])}
    arms = [Arm(versions[a["versionId"]], a["weight"]) for a in last.previous_arms]
    return label_set(
        template=template, name=name, arms=arms, moved_by=moved_by, reason=f"rollback: {reason}", gated=False
    )


def template_delete(*, template: PromptTemplate) -> None:
    """Soft delete: the template stops resolving; versions and history stay
    (jobs refer to them)."""
    template.deleted_at = timezone.now()
    template.save(update_fields=["deleted_at"])
