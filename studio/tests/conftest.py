"""Studio test fixtures: people of organization `acme` signed in with
Django's session, and acme's own copy of a platform template."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from prompts.models import PromptTemplate
from prompts.services import template_fork
from studio.models import StudioMember
from tenants.models import Organization, Role
from tenants.services import organization_ensure

PASSWORD = "studio-pass-1"


@pytest.fixture
def acme(db: Any) -> Organization:
    return organization_ensure(slug="acme")


@pytest.fixture
def member(acme: Organization) -> Callable[..., Client]:
    """A signed-in client of a new user who is a member of acme with `role`."""

    def make(username: str = "erin", role: str = Role.EDITOR, security_reviewer: bool = False) -> Client:
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        StudioMember.objects.create(user=user, organization=acme, role=role, security_reviewer=security_reviewer)
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def editor(member: Callable[..., Client]) -> Client:
    return member("erin", Role.EDITOR)


@pytest.fixture
def own_template(acme: Organization) -> PromptTemplate:
    """acme's fork of the platform's metadata_enrichment template."""
    platform = PromptTemplate.objects.get(name="metadata_enrichment", organization__isnull=True)
    return template_fork(template=platform, organization=acme, forked_by="admin:setup")
