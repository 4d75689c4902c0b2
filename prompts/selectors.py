"""Reads of the template registry, scoped to the organization asking.

An organization sees its own templates and the platform defaults; where it
has its own template of a default's name (a fork), its own one is what its
jobs resolve. Another organization's template is, to it, not there.
"""

import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import F, Q, QuerySet

from prompts.models import PromptTemplate, TemplateTest


def visible_to(organization_id: Any) -> Q:
    """Rows owned by the organization or by the platform (organization empty)."""
    return Q(organization_id=organization_id) | Q(organization__isnull=True)


def templates_visible(*, organization_id: Any) -> QuerySet[PromptTemplate]:
    return PromptTemplate.objects.filter(visible_to(organization_id), deleted_at__isnull=True)


def template_lookup(*, organization_id: Any, template_id: str) -> PromptTemplate | None:
    """By UUID or by name; by name, the organization's own before the default."""
    templates = templates_visible(organization_id=organization_id)
    try:
        return templates.filter(id=uuid.UUID(str(template_id))).first()
    except ValueError:
        return templates.filter(name=template_id).order_by(F("organization_id").asc(nulls_last=True)).first()


def template_names_visible(*, organization_id: Any) -> list[str]:
    return sorted(set(templates_visible(organization_id=organization_id).values_list("name", flat=True)))


def tests_of(*, template: PromptTemplate, organization_id: Any) -> QuerySet[TemplateTest]:
    """An organization's tests of a template (tests hold its sample inputs and outputs)."""
    return TemplateTest.objects.filter(version__template=template, organization_id=organization_id)


def audit_rows() -> Iterator[tuple[str, Any]]:
    """Prompts' stored text for the PII audit (safety/audit.py): test outputs."""
    for test in TemplateTest.objects.only("id", "output").iterator():
        yield f"prompts_templatetest#{test.id}.output", test.output
