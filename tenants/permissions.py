"""Role checks: viewer reads, editor also writes, admin also administers."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from tenants.models import ApiKey, Role


class _HasRole(BasePermission):
    role: str = Role.VIEWER

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        return isinstance(api_key, ApiKey) and api_key.has_role(self.role)


class IsViewer(_HasRole):
    role = Role.VIEWER


class IsEditor(_HasRole):
    role = Role.EDITOR


class IsAdmin(_HasRole):
    role = Role.ADMIN


class ReadViewerWriteEditor(BasePermission):
    """Safe methods need a viewer, anything else an editor."""

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return False
        needed = Role.VIEWER if request.method in ("GET", "HEAD", "OPTIONS") else Role.EDITOR
        return api_key.has_role(needed)
