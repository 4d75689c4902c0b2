"""Signing in and out, and choosing the organization to work for.

Django's session login, for staff and for organization members alike (the
admin's login form admits staff only). Failed attempts count toward the
same throttle as the admin's (tenants.login_throttle), in Redis."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from studio.views import studio_page
from studio.workspace import Workspace, workspace_choose
from tenants.login_throttle import login_throttled


class StudioLoginView(auth_views.LoginView):
    template_name = "studio/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if login_throttled(request, str(request.POST.get("username", ""))):
            context = {"message": "Too many failed sign-ins; try again later.", "workspace": None}
            response = render(request, "studio/refused.html", context, status=429)
            response["Retry-After"] = str(settings.BEACON_LOGIN_FAILURE_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("studio:home")


class StudioLogoutView(auth_views.LogoutView):
    def get_success_url(self) -> str:
        return reverse("studio:login")


@require_POST
@studio_page
def organization_choose(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    workspace_choose(request, slug=str(request.POST.get("organization", "")))
    return HttpResponseRedirect(reverse("studio:home"))
