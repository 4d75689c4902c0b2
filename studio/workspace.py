"""Who is working, for which organization, and as what.

Every studio page works inside one organization (the workspace): it sees
that organization's templates and the platform defaults, its jobs and its
tests, and nothing of any other organization's, which is a 404 as in the
API. A signed-in person may work for the organizations they are a member
of (StudioMember); staff users are platform operators and may open any.
The chosen organization is kept in the session.
"""

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest

from prompts.models import PromptTemplate, TemplateVersion
from prompts.selectors import templates_visible
from studio.models import StudioMember
from tenants.models import ROLE_RANK, Organization, Role

SESSION_KEY = "studio_organization"


class NotAllowed(Exception):
    """The person may not do this here (a 403 page, with the reason)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Workspace:
    organization: Organization
    role: str
    security_reviewer: bool
    username: str
    staff: bool

    @property
    def actor(self) -> str:
        """How approvals, versions and label moves name this person. The same
        string as Django admin's (`admin:<username>`), so one person is one
        approver whichever page they use: the author of a version cannot
        approve it in admin after writing it here, or the other way round."""
        return f"admin:{self.username}"

    @property
    def can_edit(self) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role.EDITOR]


def organizations_of(user: Any) -> list[tuple[Organization, str, bool]]:
    """(organization, role, security reviewer) for each organization the
    user may work for, by slug."""
    if user.is_staff:
        security = user.has_perm("prompts.security_review")
        return [(org, Role.ADMIN, security) for org in Organization.objects.order_by("slug")]
    members = StudioMember.objects.filter(user=user).select_related("organization").order_by("organization__slug")
    return [(m.organization, m.role, m.security_reviewer) for m in members]


def workspace_of(request: HttpRequest) -> Workspace | None:
    """The request's workspace: the organization chosen in the session if the
    user may still work for it, else their first; None when they may work
    for none."""
    user = request.user
    if not user.is_authenticated:
        return None
    choices = organizations_of(user)
    if not choices:
        return None
    wanted = request.session.get(SESSION_KEY)
    organization, role, security = next((c for c in choices if c[0].slug == wanted), choices[0])
    return Workspace(
        organization=organization,
        role=role,
        security_reviewer=security,
        username=user.get_username(),
        staff=user.is_staff,
    )


def workspace_choose(request: HttpRequest, *, slug: str) -> None:
    """Switch the session to another organization the user may work for."""
    if slug not in {org.slug for org, _, _ in organizations_of(request.user)}:
        raise Http404("no such organization")
    request.session[SESSION_KEY] = slug


def template_for(workspace: Workspace, template_id: Any, *, write: bool = False) -> PromptTemplate:
    """The template if the workspace sees it (its own or a platform default);
    `write`: only its own, by an editor."""
    template = templates_visible(organization_id=workspace.organization.id).filter(id=template_id).first()
    if template is None:
        raise Http404("no such template")
    if write:
        editor_required(workspace)
        if template.is_platform:
            raise NotAllowed(
                f"{template.name} is a platform template: only platform operators change it. "
                "Fork it to have your organization's own copy."
            )
    return template


def version_for(template: PromptTemplate, number: str) -> TemplateVersion:
    version = template.versions.filter(version=number).first()
    if version is None:
        raise Http404("no such version")
    return version


def editor_required(workspace: Workspace) -> None:
    if not workspace.can_edit:
        raise NotAllowed(f"You are a {workspace.role} of {workspace.organization.slug}; this needs an editor.")
