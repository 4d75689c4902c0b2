"""The studio's pages: thin views that resolve the workspace, call one
service or selector, and render a template. Every view goes through
`studio_page`, which signs in, scopes and maps errors to pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from studio.workspace import NotAllowed, Workspace, organizations_of, workspace_of
from tenants.audit import audit_actor

View = Callable[..., HttpResponse]


def studio_page(view: Callable[..., HttpResponse]) -> View:
    """Signed in, working for an organization; changes the view makes are
    audited under the person's actor; a 404 or a refusal is a page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("studio:login"))
        workspace = workspace_of(request)
        if workspace is None:
            message = "Your account is not a member of any organization's studio. Ask an administrator to add you."
            return page(request, "studio/refused.html", {"message": message}, status=403)
        try:
            with audit_actor(workspace.actor):
                return view(request, workspace, *args, **kwargs)
        except NotAllowed as exc:
            return page(request, "studio/refused.html", {"message": exc.message}, status=403, workspace=workspace)
        except Http404:
            message = "There is no such page here (or it belongs to another organization)."
            return page(request, "studio/refused.html", {"message": message}, status=404, workspace=workspace)

    return wrapper


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    workspace: Workspace | None = None,
) -> HttpResponse:
    """Render with what the base template needs: the workspace and the
    organizations the person may switch to."""
    workspace = workspace or context.get("workspace")
    choices = organizations_of(request.user) if request.user.is_authenticated else []
    return render(
        request,
        template,
        {**context, "workspace": workspace, "organizations": [org for org, _, _ in choices]},
        status=status,
    )


def is_htmx(request: HttpRequest) -> bool:
    """htmx asks for a fragment; without script the same form posts for a page."""
    return request.headers.get("HX-Request") == "true"
