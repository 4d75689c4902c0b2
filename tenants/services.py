"""Writes for tenants: organizations, projects and API keys."""

import base64
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tenants.models import ApiKey, Organization, Project, Role
from tenants.scopes import scopes_parse

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
    scopes: Iterable[str] | None = None,
    project_only: bool = False,
    rate_limit_per_minute: int | None = None,
) -> IssuedKey:
    """Create a key and return the raw value, which is never stored.

    `scopes` narrows what the key may touch (tenants/scopes.py); None or
    empty: every scope its role allows. `project_only` limits it to its
    project's jobs."""
    Role(role)  # raises ValueError on an unknown role
    parsed = scopes_parse(scopes) or frozenset()  # raises UnknownScope
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
        scopes=sorted(parsed),
        project_only=project_only,
        rate_limit_per_minute=rate_limit_per_minute,
    )
    return IssuedKey(api_key=api_key, raw_key=raw)


# How long a rotated key keeps working beside its successor unless the caller
# says otherwise: long enough to roll the new key out to every producer.
ROTATION_OVERLAP_DEFAULT = timedelta(hours=24)
ROTATION_OVERLAP_MAX = timedelta(days=30)


@transaction.atomic
def api_key_rotate(*, api_key: ApiKey, overlap: timedelta = ROTATION_OVERLAP_DEFAULT) -> IssuedKey:
    """A new key with the old one's settings; the old one keeps working for
    `overlap` (zero: stops now), so producers can switch without downtime."""
    if not timedelta(0) <= overlap <= ROTATION_OVERLAP_MAX:
        raise ValueError(f"overlap must be between 0 and {ROTATION_OVERLAP_MAX.days} days")
    issued = api_key_create(
        organization=api_key.organization,
        role=api_key.role,
        project=api_key.project,
        name=api_key.name,
        expires_at=api_key.expires_at,
        scopes=api_key.scopes,
        project_only=api_key.project_only,
        rate_limit_per_minute=api_key.rate_limit_per_minute,
    )
    issued.api_key.security_reviewer = api_key.security_reviewer
    issued.api_key.save(update_fields=["security_reviewer"])
    ends = timezone.now() + overlap
    if api_key.expires_at is None or api_key.expires_at > ends:
        api_key.expires_at = ends
        api_key.save(update_fields=["expires_at"])
    return issued


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key
