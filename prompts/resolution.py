"""Which template version a request gets.

`templateId` names a template (by name, e.g. a task kind's own template
`metadata_enrichment`, or by UUID), among those the organization sees: its
own, else the platform default of that name (prompts/selectors.py). `templateVersion` pins a version
(`1.2.0`) or names a label (`staging`); the default is the `production` label.
A label split between versions (an A/B experiment) assigns each request an
arm by weight, sticky per job key: the same product (its SKU, else its
content) always lands in the same arm.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from common.ttl_cache import ttl_cache
from prompts.approvals import PRODUCTION
from prompts.errors import TemplateError
from prompts.models import SEMVER, LabelArm, PromptTemplate, TemplateLabel, TemplateVersion
from prompts.selectors import template_lookup, template_names_visible
from prompts.task_kinds import TaskKind, task_kinds


@dataclass(frozen=True)
class Resolved:
    template: PromptTemplate
    version: TemplateVersion
    kind: TaskKind
    label: str  # "" when the request pinned a version


def template_find(template_id: str, *, organization_id: Any) -> PromptTemplate | None:
    if settings.BEACON_INTAKE_CACHE_SECONDS:
        return _template_find(organization_id, template_id)
    return template_lookup(organization_id=organization_id, template_id=template_id)


@ttl_cache(seconds=5)
def _template_find(organization_id: Any, template_id: str) -> PromptTemplate | None:
    return template_lookup(organization_id=organization_id, template_id=template_id)


def _label_arms(template: PromptTemplate, name: str) -> list[LabelArm]:
    label = TemplateLabel.objects.filter(template=template, name=name).first()
    return list(label.arms.select_related("version")) if label else []


@ttl_cache(seconds=5)
def _label_arms_cached(template: PromptTemplate, name: str) -> list[LabelArm]:
    return _label_arms(template, name)


def sticky_key(parameters: dict[str, Any]) -> str:
    """The same product gets the same arm: its SKU, else a hash of its content."""
    product = parameters.get("product") or {}
    if isinstance(product, dict) and product.get("sku"):
        return f"sku:{product['sku']}"
    return "content:" + hashlib.sha256(str(parameters.get("content", "")).encode()).hexdigest()


def arm_choose(arms: list[LabelArm], *, seed: str) -> LabelArm:
    """A weighted choice that depends only on `seed` (stable across processes)."""
    total = sum(arm.weight for arm in arms)
    point = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % total
    for arm in arms:
        if point < arm.weight:
            return arm
        point -= arm.weight
    return arms[-1]


def template_resolve(
    *, template_id: str, selector: str | None, parameters: dict[str, Any], organization_id: Any
) -> Resolved:
    template = template_find(template_id, organization_id=organization_id)
    if template is None:
        known = ", ".join(template_names_visible(organization_id=organization_id))
        raise TemplateError(f"Unknown template {template_id!r}. Known templates: {known}.", code="unknown_template")
    kind = task_kinds()[template.task_kind]
    wanted = selector or PRODUCTION
    if SEMVER.match(wanted):
        version = template.versions.filter(version=wanted).first()
        if version is None:
            raise TemplateError(f"{template.name} has no version {wanted}.", code="unknown_version")
        return Resolved(template=template, version=version, kind=kind, label="")
    arms = (_label_arms_cached if settings.BEACON_INTAKE_CACHE_SECONDS else _label_arms)(template, wanted)
    if not arms:
        raise TemplateError(f"{template.name} has no label {wanted!r}.", code="unknown_version")
    arm = arm_choose(arms, seed=f"{template.id}:{wanted}:{sticky_key(parameters)}") if len(arms) > 1 else arms[0]
    return Resolved(template=template, version=arm.version, kind=kind, label=wanted)
