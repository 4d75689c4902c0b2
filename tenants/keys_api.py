"""The API keys API: an organization's admins list, create, rotate and revoke
its keys. A key never grants more than the key that made it: its scopes are
within the creator's, and a project-limited creator makes only keys limited
to its own project."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError
from common.pagination import EnvelopePagination
from tenants.authentication import request_api_key
from tenants.models import ApiKey, Project, Role
from tenants.permissions import IsAdmin, ReadViewerWriteAdmin
from tenants.scopes import ALL_SCOPES
from tenants.services import (
    ROTATION_OVERLAP_DEFAULT,
    ROTATION_OVERLAP_MAX,
    IssuedKey,
    api_key_create,
    api_key_revoke,
    api_key_rotate,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def api_key_representation(api_key: ApiKey, *, raw_key: str | None = None) -> dict[str, Any]:
    body = {
        "id": str(api_key.id),
        "name": api_key.name,
        "prefix": api_key.prefix,
        "role": api_key.role,
        "scopes": list(api_key.scopes),
        "projectId": str(api_key.project_id) if api_key.project_id else None,
        "projectOnly": api_key.project_only,
        "rateLimitPerMinute": api_key.rate_limit_per_minute,
        "createdAt": _iso(api_key.created_at),
        "lastUsedAt": _iso(api_key.last_used_at),
        "expiresAt": _iso(api_key.expires_at),
        "revokedAt": _iso(api_key.revoked_at),
    }
    if raw_key is not None:
        body["key"] = raw_key  # shown once, never stored
    return body


@extend_schema_serializer(component_name="ApiKey")
class ApiKeyOutputSerializer(serializers.Serializer):
    """Describes a key for the schema; bodies are shaped by api_key_representation."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The key's visible start, for humans.")
    role = serializers.ChoiceField(choices=Role.choices)
    scopes = serializers.ListField(child=serializers.CharField(), help_text="Empty: every scope the role allows.")
    projectId = serializers.UUIDField(allow_null=True)
    projectOnly = serializers.BooleanField()
    rateLimitPerMinute = serializers.IntegerField(allow_null=True)
    createdAt = serializers.DateTimeField()
    lastUsedAt = serializers.DateTimeField(allow_null=True)
    expiresAt = serializers.DateTimeField(allow_null=True)
    revokedAt = serializers.DateTimeField(allow_null=True)
    key = serializers.CharField(required=False, help_text="The raw key: only in the answer that creates it.")


API_KEY_ENVELOPE = inline_serializer("ApiKeyEnvelope", fields={"data": ApiKeyOutputSerializer()})


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, default="")
    role = serializers.ChoiceField(choices=Role.choices, default=Role.EDITOR)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(ALL_SCOPES)), required=False, default=list, max_length=50
    )
    projectId = serializers.UUIDField(required=False, allow_null=True, default=None)
    projectOnly = serializers.BooleanField(required=False, default=False)
    expiresAt = serializers.DateTimeField(required=False, allow_null=True, default=None)
    rateLimitPerMinute = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class ApiKeyRotateSerializer(serializers.Serializer):
    overlapSeconds = serializers.IntegerField(
        required=False,
        default=int(ROTATION_OVERLAP_DEFAULT.total_seconds()),
        min_value=0,
        max_value=int(ROTATION_OVERLAP_MAX.total_seconds()),
        help_text="How long the old key keeps working beside the new one (default 24 hours).",
    )


def _forbidden(message: str) -> ApiError:
    return ApiError(message, code="forbidden", status_code=status.HTTP_403_FORBIDDEN)


def grant_check(*, creator: ApiKey, scopes: list[str], project: Project | None, project_only: bool) -> None:
    """Refuse a key that would grant more than the key asking for it."""
    granted = creator.granted_scopes()
    if granted is not None:
        wider = sorted(set(scopes or ALL_SCOPES) - granted)
        if wider:
            raise _forbidden(f"A key cannot grant scopes its creator lacks: {', '.join(wider)}.")
    if creator.project_only and (not project_only or (project is not None and project.id != creator.project_id)):
        raise _forbidden("A project-limited key makes only keys limited to its own project (`projectOnly`: true).")


def new_credential_project(*, creator: ApiKey, data: dict[str, Any]) -> Project | None:
    """The project a new key or OAuth client belongs to (the body's
    `projectId`, else the creator's when it is project-limited), once the
    grant is known to be no wider than the creator's; 422 or 403 otherwise."""
    project = creator.project if creator.project_only else None
    if data["projectId"] is not None:
        project = Project.objects.filter(
            id=data["projectId"], organization_id=creator.organization_id, deleted_at__isnull=True
        ).first()
        if project is None:
            detail = {"field": "projectId", "message": "No such project in this organization.", "code": "invalid"}
            raise ApiError("Unknown project.", code="validation_error", status_code=422, details=[detail])
    grant_check(creator=creator, scopes=data["scopes"], project=project, project_only=data["projectOnly"])
    return project


def _created(request: Request, issued: IssuedKey) -> Response:
    location = request.build_absolute_uri(reverse("api-key-detail", args=[issued.api_key.id]))
    body = {"data": api_key_representation(issued.api_key, raw_key=issued.raw_key)}
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


def _key_of_organization(request: Request, key_id: UUID) -> ApiKey:
    caller = request_api_key(request)
    keys = ApiKey.objects.filter(organization_id=caller.organization_id, deleted_at__isnull=True)
    project_id = caller.project_scope_id()
    if project_id is not None:
        keys = keys.filter(project_id=project_id)
    api_key = keys.filter(id=key_id).first()
    if api_key is None:
        raise NotFound()
    return api_key


class ApiKeyListApi(GenericAPIView):
    """`GET/POST /api/v1/keys`: the organization's keys (admin keys only)."""

    scope_family = "keys"
    permission_classes = [IsAdmin]
    pagination_class = EnvelopePagination
    serializer_class = ApiKeyOutputSerializer

    def get_queryset(self) -> QuerySet[ApiKey]:
        if getattr(self, "swagger_fake_view", False):
            return ApiKey.objects.none()
        caller = request_api_key(self.request)
        keys = ApiKey.objects.filter(organization_id=caller.organization_id, deleted_at__isnull=True)
        project_id = caller.project_scope_id()
        if project_id is not None:
            keys = keys.filter(project_id=project_id)
        return keys.order_by("-created_at", "id")

    @extend_schema(operation_id="keys_list", responses={200: ApiKeyOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([api_key_representation(key) for key in page])

    @extend_schema(
        operation_id="keys_create",
        request=ApiKeyCreateSerializer,
        responses={201: API_KEY_ENVELOPE, 403: OpenApiResponse(description="Wider than the creator's key")},
    )
    def post(self, request: Request) -> Response:
        creator = request_api_key(request)
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = new_credential_project(creator=creator, data=data)
        issued = api_key_create(
            organization=creator.organization,
            role=data["role"],
            project=project,
            name=data["name"],
            expires_at=data["expiresAt"],
            scopes=data["scopes"],
            project_only=data["projectOnly"],
            rate_limit_per_minute=data["rateLimitPerMinute"],
        )
        return _created(request, issued)


class ApiKeyDetailApi(APIView):
    """`GET /api/v1/keys/:id`; `DELETE` revokes the key at once."""

    scope_family = "keys"
    permission_classes = [IsAdmin]

    @extend_schema(operation_id="keys_get", responses={200: API_KEY_ENVELOPE})
    def get(self, request: Request, key_id: UUID) -> Response:
        return Response({"data": api_key_representation(_key_of_organization(request, key_id))})

    @extend_schema(operation_id="keys_revoke", responses={204: None})
    def delete(self, request: Request, key_id: UUID) -> Response:
        api_key_revoke(api_key=_key_of_organization(request, key_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiKeyRotateApi(APIView):
    """`POST /api/v1/keys/:id/rotate`: a new key with the same settings; the
    old one keeps working for `overlapSeconds`, then expires."""

    scope_family = "keys"
    permission_classes = [ReadViewerWriteAdmin]

    @extend_schema(operation_id="keys_rotate", request=ApiKeyRotateSerializer, responses={201: API_KEY_ENVELOPE})
    def post(self, request: Request, key_id: UUID) -> Response:
        api_key = _key_of_organization(request, key_id)
        if not api_key.is_usable():
            raise ApiError("A revoked or expired key cannot be rotated.", code="conflict", status_code=409)
        serializer = ApiKeyRotateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        overlap = timedelta(seconds=serializer.validated_data["overlapSeconds"])
        return _created(request, api_key_rotate(api_key=api_key, overlap=overlap))
