"""Ground-floor helpers for registries that belong to an organization or,
with no organization, to the platform."""

from typing import Any


def platform_rows(model: Any) -> Any:
    """The platform's rows of a registry model: those with no organization.

    Seeding runs with a migration's historical models too; before a registry
    had owners its model has no organization field and every row is the
    platform's."""
    names = {field.name for field in model._meta.get_fields()}
    return model.objects.filter(organization__isnull=True) if "organization" in names else model.objects.all()
