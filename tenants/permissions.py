"""Role and scope checks: viewer reads, editor also writes, admin also
administers; and the credential must hold the view's scope (tenants/scopes.py)."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.models import ApiKey, Role
from tenants.scopes import SAFE_METHODS, scope_for, scopes_allow


def request_scope_allowed(request: Request, view: Any) -> bool:
    """Whether the request's credential holds the scope the view needs.

    A view without `scope_family` is open only to credentials that hold every
    scope, so a view added without one fails closed for scoped keys."""
    api_key = request.auth
    if not isinstance(api_key, ApiKey):
        return False
    granted = api_key.granted_scopes()
    family = getattr(view, "scope_family", None)
    if family is None:
        return granted is None
    return scopes_allow(granted, scope_for(family=family, method=request.method or "GET"))


class _HasRole(BasePermission):
    role: str = Role.VIEWER
    message = "This credential's role or scopes do not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        return isinstance(api_key, ApiKey) and api_key.has_role(self.role) and request_scope_allowed(request, view)


class IsViewer(_HasRole):
    role = Role.VIEWER


class IsEditor(_HasRole):
    role = Role.EDITOR


class IsAdmin(_HasRole):
    role = Role.ADMIN


class _ReadWrite(BasePermission):
    """Safe methods need a viewer, anything else `write_role`."""

    write_role: str = Role.EDITOR
    message = _HasRole.message

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return False
        needed = Role.VIEWER if request.method in SAFE_METHODS else self.write_role
        return api_key.has_role(needed) and request_scope_allowed(request, view)


class ReadViewerWriteEditor(_ReadWrite):
    write_role = Role.EDITOR


class ReadViewerWriteAdmin(_ReadWrite):
    write_role = Role.ADMIN
