"""The legal holds API: an organization's admins place holds on the whole
organization, one project or one job, list them, and lift them. While a hold
is active nothing it covers is purged (jobs/services/legal_holds.py)."""

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError, created
from common.pagination import EnvelopePagination
from jobs.models import LegalHold
from jobs.selectors import jobs_visible_to
from jobs.services.legal_holds import HoldRejected, legal_hold_lift, legal_hold_place, legal_hold_representation
from tenants.authentication import request_actor, request_api_key
from tenants.models import ApiKey, Project
from tenants.permissions import IsAdmin


class LegalHoldOutputSerializer(serializers.Serializer):
    """Describes a hold for the schema; bodies come from legal_hold_representation."""

    id = serializers.UUIDField()
    scope = serializers.ChoiceField(choices=["organization", "project", "job"])
    projectId = serializers.UUIDField(allow_null=True)
    jobId = serializers.UUIDField(allow_null=True)
    reason = serializers.CharField()
    placedBy = serializers.CharField()
    placedAt = serializers.DateTimeField()
    liftedBy = serializers.CharField(allow_null=True)
    liftedAt = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField()


HOLD_ENVELOPE = inline_serializer("LegalHoldEnvelope", fields={"data": LegalHoldOutputSerializer()})


class LegalHoldInputSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["organization", "project", "job"])
    projectId = serializers.UUIDField(required=False)
    jobId = serializers.UUIDField(required=False)
    reason = serializers.CharField(max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        needed = {"organization": None, "project": "projectId", "job": "jobId"}[attrs["scope"]]
        for field in ("projectId", "jobId"):
            if field in attrs and field != needed:
                raise serializers.ValidationError({field: f"not used by a hold on a {attrs['scope']}"})
        if needed and needed not in attrs:
            raise serializers.ValidationError({needed: f"required for a hold on a {attrs['scope']}"})
        return attrs


def _organization_admin(request: Request) -> ApiKey:
    """Holds are the organization's business: a key limited to one project may not place or lift them."""
    api_key = request_api_key(request)
    if api_key.project_only:
        raise PermissionDenied("legal holds need an admin key that is not limited to one project")
    return api_key


class LegalHoldListApi(GenericAPIView):
    scope_family = "holds"
    permission_classes = [IsAdmin]
    queryset = LegalHold.objects.none()  # for the schema; get() scopes to the caller's organization
    pagination_class = EnvelopePagination
    serializer_class = LegalHoldOutputSerializer

    @extend_schema(operation_id="legal_holds_list", responses={200: LegalHoldOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        api_key = _organization_admin(request)
        holds = LegalHold.objects.filter(organization_id=api_key.organization_id).order_by("-placed_at")
        page = self.paginate_queryset(holds)
        return self.get_paginated_response([legal_hold_representation(h) for h in page or []])

    @extend_schema(
        operation_id="legal_holds_create",
        request=LegalHoldInputSerializer,
        responses={201: HOLD_ENVELOPE, 422: OpenApiResponse(description="invalid hold")},
    )
    def post(self, request: Request) -> Response:
        api_key = _organization_admin(request)
        body = LegalHoldInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        project = job = None
        if "projectId" in values:
            project = Project.objects.filter(
                organization_id=api_key.organization_id, pk=values["projectId"], deleted_at__isnull=True
            ).first()
            if project is None:
                raise NotFound("No project with that id in this organization.")
        if "jobId" in values:
            job = jobs_visible_to(api_key=api_key).filter(pk=values["jobId"]).first()
            if job is None:
                raise NotFound("No generation with that id.")
        try:
            hold = legal_hold_place(
                organization=api_key.organization,
                project=project,
                job=job,
                reason=values["reason"],
                placed_by=request_actor(request),
            )
        except HoldRejected as exc:
            raise ApiError(str(exc), code="invalid_hold", status_code=422) from exc
        return created(request, legal_hold_representation(hold), path=f"/api/v1/legal-holds/{hold.id}")


def _hold(request: Request, hold_id: UUID) -> LegalHold:
    api_key = _organization_admin(request)
    hold = LegalHold.objects.filter(organization_id=api_key.organization_id, pk=hold_id).first()
    if hold is None:
        raise NotFound("No legal hold with that id.")
    return hold


class LegalHoldDetailApi(APIView):
    scope_family = "holds"
    permission_classes = [IsAdmin]

    @extend_schema(operation_id="legal_holds_get", responses={200: HOLD_ENVELOPE})
    def get(self, request: Request, hold_id: UUID) -> Response:
        return Response({"data": legal_hold_representation(_hold(request, hold_id))})

    @extend_schema(
        operation_id="legal_holds_lift",
        responses={200: HOLD_ENVELOPE},
        description="Lift the hold; retention applies again to what it covered. Lifting a lifted hold changes nothing.",
    )
    def delete(self, request: Request, hold_id: UUID) -> Response:
        hold = legal_hold_lift(hold=_hold(request, hold_id), lifted_by=request_actor(request))
        return Response({"data": legal_hold_representation(hold)}, status=status.HTTP_200_OK)
