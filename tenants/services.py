"""Writes for tenants: organizations, projects and API keys."""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tenants.models import ApiKey, Organization, Project, Role

KEY_PREFIX = "bk_"


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def webhook_secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def organization_ensure(*, slug: str, name: str | None = None) -> Organization:
    org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name or slug})
    return org


def project_ensure(*, organization: Organization, slug: str, name: str | None = None) -> Project:
    project, _ = Project.objects.get_or_create(
        organization=organization,
        slug=slug,
        defaults={"name": name or slug, "webhook_secret": webhook_secret_new()},
    )
    return project


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    raw_key: str


@transaction.atomic
def api_key_create(
    *,
    organization: Organization,
    role: str,
    project: Project | None = None,
    name: str = "",
    expires_at: datetime | None = None,
) -> IssuedKey:
    """Create a key and return the raw value, which is never stored."""
    Role(role)  # raises ValueError on an unknown role
    if project is None:
        project = organization.projects.order_by("created_at").first() or project_ensure(
            organization=organization, slug="default"
        )
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organization=organization,
        project=project,
        name=name,
        prefix=raw[:10],
        key_hash=api_key_hash(raw),
        role=role,
        expires_at=expires_at,
    )
    return IssuedKey(api_key=api_key, raw_key=raw)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key
