"""Who may read the operations endpoints (`/metrics`, the detailed health
check): platform operators, by the token in BEACON_OPS_TOKEN, sent as
`Authorization: Bearer <token>`. A tenant's API key, even an admin's, is not
enough: these endpoints describe the whole deployment. With no token set
they answer no one (404), so nothing is exposed by default."""

import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.permissions import BasePermission


def ops_token_valid(request: HttpRequest) -> bool:
    token = settings.BEACON_OPS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, sent = header.partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(sent.strip().encode(), token.encode())


class IsOperator(BasePermission):
    message = "Operations endpoints need the operator token (BEACON_OPS_TOKEN)."

    def has_permission(self, request: Any, view: Any) -> bool:
        return ops_token_valid(request._request if hasattr(request, "_request") else request)
