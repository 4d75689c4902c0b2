"""The OAuth clients API: an organization's admins register services that
authenticate with client credentials (`POST /api/v1/oauth/token`)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from oauth2_provider.views import TokenView
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import EnvelopePagination
from tenants.authentication import request_api_key
from tenants.keys_api import ApiKeyCreateSerializer, new_credential_project
from tenants.models import OAuthClient
from tenants.oauth import IssuedClient, oauth_client_create, oauth_client_revoke
from tenants.permissions import IsAdmin


def oauth_client_representation(client: OAuthClient, *, issued: IssuedClient | None = None) -> dict[str, Any]:
    credential = client.credential
    body = {
        "id": client.id,
        "name": client.application.name,
        "clientId": client.application.client_id,
        "role": credential.role,
        "scopes": list(credential.scopes),
        "projectId": str(credential.project_id) if credential.project_id else None,
        "projectOnly": credential.project_only,
        "createdAt": client.created_at.isoformat(),
        "lastUsedAt": client.last_used_at.isoformat() if client.last_used_at else None,
        "revokedAt": credential.revoked_at.isoformat() if credential.revoked_at else None,
    }
    if issued is not None:
        body["clientSecret"] = issued.client_secret  # shown once, stored hashed
    return body


@extend_schema_serializer(component_name="OAuthClient")
class OAuthClientOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    clientId = serializers.CharField()
    role = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    projectId = serializers.UUIDField(allow_null=True)
    projectOnly = serializers.BooleanField()
    createdAt = serializers.DateTimeField()
    lastUsedAt = serializers.DateTimeField(allow_null=True)
    revokedAt = serializers.DateTimeField(allow_null=True)
    clientSecret = serializers.CharField(required=False, help_text="Only in the answer that creates the client.")


OAUTH_CLIENT_ENVELOPE = inline_serializer("OAuthClientEnvelope", fields={"data": OAuthClientOutputSerializer()})


class OAuthClientCreateSerializer(ApiKeyCreateSerializer):
    name = serializers.CharField(max_length=200)  # required: it names the service

    class Meta:
        ref_name = "OAuthClientCreate"


def _clients(request: Request) -> QuerySet[OAuthClient]:
    caller = request_api_key(request)
    clients = OAuthClient.objects.select_related("application", "credential").filter(
        credential__organization_id=caller.organization_id
    )
    project_id = caller.project_scope_id()
    if project_id is not None:
        clients = clients.filter(credential__project_id=project_id)
    return clients.order_by("-created_at", "id")


class OAuthClientListApi(GenericAPIView):
    """`GET/POST /api/v1/oauth-clients` (admin keys only)."""

    scope_family = "keys"
    permission_classes = [IsAdmin]
    pagination_class = EnvelopePagination
    serializer_class = OAuthClientOutputSerializer

    def get_queryset(self) -> QuerySet[OAuthClient]:
        if getattr(self, "swagger_fake_view", False):
            return OAuthClient.objects.none()
        return _clients(self.request)

    @extend_schema(operation_id="oauth_clients_list", responses={200: OAuthClientOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([oauth_client_representation(client) for client in page])

    @extend_schema(
        operation_id="oauth_clients_create",
        request=OAuthClientCreateSerializer,
        responses={201: OAUTH_CLIENT_ENVELOPE},
    )
    def post(self, request: Request) -> Response:
        creator = request_api_key(request)
        serializer = OAuthClientCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = new_credential_project(creator=creator, data=data)
        issued = oauth_client_create(
            organization=creator.organization,
            name=data["name"],
            role=data["role"],
            scopes=data["scopes"],
            project=project,
            project_only=data["projectOnly"],
        )
        body = {"data": oauth_client_representation(issued.client, issued=issued)}
        location = request.build_absolute_uri(f"/api/v1/oauth-clients/{issued.client.id}")
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class OAuthClientDetailApi(APIView):
    """`GET /api/v1/oauth-clients/:id`; `DELETE` revokes it and its tokens."""

    scope_family = "keys"
    permission_classes = [IsAdmin]

    def _client(self, request: Request, client_id: int) -> OAuthClient:
        client = _clients(request).filter(id=client_id).first()
        if client is None:
            raise NotFound()
        return client

    @extend_schema(operation_id="oauth_clients_get", responses={200: OAUTH_CLIENT_ENVELOPE})
    def get(self, request: Request, client_id: int) -> Response:
        return Response({"data": oauth_client_representation(self._client(request, client_id))})

    @extend_schema(operation_id="oauth_clients_revoke", responses={204: None})
    def delete(self, request: Request, client_id: int) -> Response:
        oauth_client_revoke(client=self._client(request, client_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class OAuthTokenView(TokenView):
    """`POST /api/v1/oauth/token`: RFC 6749 section 4.4, client credentials.

    Form-encoded (`grant_type=client_credentials`, the client's id and secret
    by HTTP Basic or in the body, optional space-separated `scope`); answers
    and errors are RFC 6749's own JSON (`{"error": "invalid_client"}`), which
    OAuth libraries expect, not Beacon's error envelope."""
