"""Who may resolve what: the same roles, scopes and tenancy as REST.

The HTTP request was authenticated and rate-limited by DRF before the
document ran (jobs/graphql/api.py); each field then asks for the scope and
role its REST twin's permission class asks for: a read needs a viewer and
`<family>:read`, a write an editor and `<family>:write` (tenants/scopes.py).
"""

from dataclasses import dataclass

from django.conf import settings
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from strawberry import Info

from common.api import TooManyRequests
from tenants.authentication import request_api_key
from tenants.models import ApiKey, Role
from tenants.rate_limits import rate_check
from tenants.scopes import Scope, scopes_allow


class MutationRateLimited(TooManyRequests):
    def __init__(self, *, retry_after: int) -> None:
        super().__init__("Too many requests: this mutation is over the key's rate limit.")
        self.retry_after = retry_after  # the error's extensions carry it as retryAfter


@dataclass
class GraphQLContext:
    request: Request
    # The HTTP `Idempotency-Key` header, for createGeneration without its own argument.
    idempotency_key: str | None = None
    mutations: int = 0  # mutation fields resolved so far in this request
    replayed: bool = False  # a createGeneration returned the job an earlier request made


def authorize(info: Info[GraphQLContext, None], scope: Scope) -> ApiKey:
    """The caller's key when it holds `scope` and the role that goes with it;
    else a `forbidden` error for this field (REST's 403)."""
    api_key = request_api_key(info.context.request)
    role = Role.VIEWER if scope.endswith(":read") else Role.EDITOR
    if not (api_key.has_role(role) and scopes_allow(api_key.granted_scopes(), scope)):
        raise PermissionDenied()
    return api_key


def mutation_charge(info: Info[GraphQLContext, None], api_key: ApiKey) -> None:
    """Count each mutation after a request's first against the key's rate
    limit: the HTTP request paid for one (DRF's throttle), and aliases must
    not turn one request into many unmetered writes."""
    context = info.context
    context.mutations += 1
    if context.mutations == 1 or not settings.BEACON_RATE_LIMITS:
        return
    state = rate_check(api_key)
    if state is not None and not state.allowed:
        raise MutationRateLimited(retry_after=state.reset_seconds)
