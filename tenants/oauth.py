"""OAuth 2.0 client credentials for services (django-oauth-toolkit).

An OAuth client is an `oauth2_provider` Application bound to a credential:
an ApiKey row whose raw value nobody ever sees. The credential carries what
an API key carries (organization, project, role, scopes, rate limit), so a
request made with a client's access token is authorized, rate limited,
audited and metered exactly like one made with a key. A token's own scopes
narrow the credential's; tokens are short-lived (OAUTH_ACCESS_TOKEN_SECONDS)
and only their SHA-256 is stored.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model
from oauth2_provider.scopes import BaseScopes

from tenants.models import ApiKey, OAuthClient, Organization, Project
from tenants.scopes import ALL_SCOPES, Scope
from tenants.services import api_key_create, api_key_revoke

SCOPE_DESCRIPTIONS = {scope.value: scope.name.replace("_", " ").lower() for scope in Scope}


@dataclass(frozen=True)
class IssuedClient:
    client: OAuthClient
    client_id: str
    client_secret: str  # shown once; stored hashed


@transaction.atomic
def oauth_client_create(
    *,
    organization: Organization,
    name: str,
    role: str,
    scopes: Iterable[str] | None = None,
    project: Project | None = None,
    project_only: bool = False,
) -> IssuedClient:
    """A confidential client for the client-credentials grant."""
    credential = api_key_create(
        organization=organization,
        role=role,
        project=project,
        name=f"oauth:{name}",
        scopes=scopes,
        project_only=project_only,
    ).api_key  # the raw key is dropped: only tokens reach this credential
    application_model = get_application_model()
    secret = generate_client_secret()
    application = application_model.objects.create(
        name=name,
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    client = OAuthClient.objects.create(application=application, credential=credential)
    return IssuedClient(client=client, client_id=application.client_id, client_secret=secret)


@transaction.atomic
def oauth_client_revoke(*, client: OAuthClient) -> None:
    """Revoke the credential (every token stops working at once) and delete
    the tokens and the application, so no new token can be had."""
    api_key_revoke(api_key=client.credential)
    get_access_token_model().objects.filter(application_id=client.application_id).delete()
    client.application.delete()


def api_key_for_access_token(raw_token: str) -> ApiKey | None:
    """The credential behind a live access token, narrowed to the token's
    scopes; None for an unknown, expired or revoked one."""
    checksum = hashlib.sha256(raw_token.encode()).hexdigest()
    token = get_access_token_model().objects.filter(token_checksum=checksum).only("expires", "scope", "application_id")
    found = token.first()
    if found is None or found.is_expired() or found.application_id is None:
        return None
    client = (
        OAuthClient.objects.select_related("credential__organization", "credential__project")
        .filter(application_id=found.application_id)
        .first()
    )
    if client is None or not client.credential.is_usable():
        return None
    api_key = client.credential
    api_key.token_scopes = frozenset(found.scope.split())
    OAuthClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return api_key


class ClientScopes(BaseScopes):
    """The scopes a client may ask for: its credential's (all when it lists none)."""

    def get_all_scopes(self) -> dict[str, str]:
        return SCOPE_DESCRIPTIONS

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = OAuthClient.objects.select_related("credential").filter(application=application).first()
        if client is None:
            return []
        return list(client.credential.scopes) or sorted(ALL_SCOPES)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return self.get_available_scopes(application, request)
