"""The audit log API: an organization's admins read their own organization's log."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ApiError
from common.pagination import EnvelopePagination
from tenants.audit_reading import audit_row_representation, audit_rows_for_organization, audit_time_parse
from tenants.authentication import request_api_key
from tenants.models import AuditLog
from tenants.permissions import IsAdmin


@dataclass(frozen=True)
class AuditFilters:
    since: datetime | None = None
    until: datetime | None = None
    key: str = ""
    route: str = ""
    status: tuple[int, int] | None = None  # an inclusive range: one code, or a class like 4xx


def _parse_status(value: str) -> tuple[int, int] | None:
    text = value.strip().lower()
    if len(text) == 3 and text[0] in "12345" and text[1:] == "xx":
        return int(text[0]) * 100, int(text[0]) * 100 + 99
    if text.isdecimal() and 100 <= int(text) <= 599:
        return int(text), int(text)
    return None


def audit_filters_parse(params: Any) -> AuditFilters:
    """The query's filters, or a 422 naming every bad one."""
    errors: list[dict[str, str]] = []
    since = until = None
    status = None
    for name in ("since", "until"):
        raw = params.get(name)
        if raw:
            parsed = audit_time_parse(raw)
            if parsed is None:
                errors.append({"field": name, "message": "Use an ISO 8601 time or date.", "code": "invalid"})
            elif name == "since":
                since = parsed
            else:
                until = parsed
    if since and until and since >= until:
        errors.append({"field": "until", "message": "`until` must be after `since`.", "code": "invalid"})
    raw_status = params.get("status")
    if raw_status:
        status = _parse_status(raw_status)
        if status is None:
            errors.append(
                {"field": "status", "message": "An HTTP status (100-599) or a class like 4xx.", "code": "invalid"}
            )
    key = (params.get("key") or "").strip()
    if len(key) > 64:
        errors.append({"field": "key", "message": "An API key id or its prefix.", "code": "invalid"})
    route = (params.get("route") or "").strip().lstrip("/")
    if len(route) > 300:
        errors.append({"field": "route", "message": "At most 300 characters.", "code": "invalid"})
    if errors:
        raise ApiError("Invalid audit log filters.", code="validation_error", details=errors, status_code=422)
    return AuditFilters(since=since, until=until, key=key, route=route, status=status)


def audit_rows_filter(rows: QuerySet[AuditLog], filters: AuditFilters) -> QuerySet[AuditLog]:
    if filters.since is not None:
        rows = rows.filter(created_at__gte=filters.since)
    if filters.until is not None:
        rows = rows.filter(created_at__lt=filters.until)
    if filters.key:
        try:
            rows = rows.filter(Q(api_key_id=uuid.UUID(filters.key)))
        except ValueError:
            rows = rows.filter(api_key_prefix=filters.key)
    if filters.route:
        rows = rows.filter(route=filters.route)
    if filters.status is not None:
        rows = rows.filter(status_code__gte=filters.status[0], status_code__lte=filters.status[1])
    return rows


class AuditLogApi(GenericAPIView):
    """`GET /api/v1/audit-log`: the caller's organization's requests and
    changes, newest first. Admin keys only."""

    scope_family = "audit"

    permission_classes = [IsAdmin]
    pagination_class = EnvelopePagination

    @extend_schema_serializer(component_name="AuditLogRow")
    class OutputSerializer(serializers.Serializer):
        """Describes a row for the schema; rows are shaped by audit_row_representation."""

        id = serializers.IntegerField()
        seq = serializers.IntegerField(allow_null=True, help_text="Position in the hash chain; null while pending.")
        time = serializers.DateTimeField()
        kind = serializers.ChoiceField(choices=["request", "change"])
        actor = serializers.CharField()
        method = serializers.CharField(allow_null=True)
        route = serializers.CharField(allow_null=True, help_text="The URL pattern, not the path.")
        status = serializers.IntegerField(allow_null=True)
        organizationId = serializers.UUIDField(allow_null=True)
        projectId = serializers.UUIDField(allow_null=True)
        apiKeyId = serializers.UUIDField(allow_null=True)
        apiKeyPrefix = serializers.CharField(allow_null=True)
        role = serializers.CharField(allow_null=True)
        clientIp = serializers.IPAddressField(allow_null=True)
        userAgent = serializers.CharField(allow_null=True)
        correlationId = serializers.CharField(allow_null=True)
        latencyMs = serializers.IntegerField(allow_null=True)
        bodySha256 = serializers.CharField(allow_null=True, help_text="SHA-256 of the body; bodies are not kept.")
        object = serializers.DictField(allow_null=True, help_text="A change's object: model label and pk.")
        action = serializers.ChoiceField(choices=["create", "update", "delete"], allow_null=True)
        beforeHash = serializers.CharField(allow_null=True)
        afterHash = serializers.CharField(allow_null=True)
        prevHash = serializers.CharField(allow_null=True)
        rowHash = serializers.CharField(allow_null=True)

    serializer_class = OutputSerializer

    def get_queryset(self) -> QuerySet[AuditLog]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's pass has no key
            return AuditLog.objects.none()
        return audit_rows_for_organization(organization_id=request_api_key(self.request).organization_id)

    @extend_schema(
        operation_id="audit_log_list",
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="rows at or after this time"),
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="rows before this time"),
            OpenApiParameter("key", OpenApiTypes.STR, description="an API key's id or prefix"),
            OpenApiParameter("route", OpenApiTypes.STR, description="a URL pattern, e.g. api/v1/generations"),
            OpenApiParameter("status", OpenApiTypes.STR, description="an HTTP status, or a class: 2xx ... 5xx"),
        ],
        responses={
            200: OutputSerializer(many=True),
            401: OpenApiResponse(description="Missing or invalid API key"),
            403: OpenApiResponse(description="Not an admin key"),
            422: OpenApiResponse(description="A filter is invalid, with field details"),
        },
    )
    def get(self, request: Request) -> Response:
        filters = audit_filters_parse(request.query_params)
        rows = audit_rows_filter(self.get_queryset(), filters)
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response([audit_row_representation(row) for row in page])
