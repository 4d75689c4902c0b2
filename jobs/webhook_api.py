"""The webhooks API: a project's endpoints, secret rotation, a job's delivery
log and manual re-delivery. Endpoints belong to the API key's project.
Reading needs a viewer, re-delivery an editor, endpoints and secrets an admin.
"""

from typing import Any
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import UnprocessableEntity, created
from jobs import selectors
from jobs.models import WebhookDelivery, WebhookEndpoint
from jobs.services.trash import TrashKind, trash_put
from jobs.services.webhooks import (
    BATCH_EVENT_TYPES,
    EVENT_TYPES,
    delivery_redeliver,
    endpoint_create,
    endpoint_secret_rotate,
    endpoint_update,
    project_secret_rotate,
)
from safety.ssrf import UnsafeUrl
from tenants.authentication import request_actor, request_api_key
from tenants.models import Project
from tenants.permissions import IsAdmin, IsEditor, IsViewer, ReadViewerWriteAdmin


class EndpointInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    eventTypes = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES + BATCH_EVENT_TYPES),
        required=False,
        default=list,
        help_text="Event types to receive; empty: every generation.* event (batch.* events only when listed).",
    )
    enabled = serializers.BooleanField(required=False)


def endpoint_data(endpoint: WebhookEndpoint, *, secret: bool = False) -> dict[str, Any]:
    data = {
        "id": str(endpoint.id),
        "url": endpoint.url,
        "description": endpoint.description,
        "eventTypes": endpoint.event_types,
        "enabled": endpoint.enabled,
        "disabledReason": endpoint.disabled_reason,
        "createdAt": endpoint.created_at.isoformat(),
        "previousSecretExpiresAt": endpoint.previous_secret_expires_at.isoformat()
        if endpoint.previous_secret_expires_at
        else None,
    }
    if secret:
        data["secret"] = endpoint.secret  # shown on creation and rotation only
    return data


def delivery_data(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "webhookId": delivery.message_id,
        "eventType": delivery.event_type,
        "url": delivery.url,
        "endpointId": str(delivery.endpoint_id) if delivery.endpoint_id else None,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "nextAttemptAt": delivery.next_attempt_at.isoformat() if delivery.next_attempt_at else None,
        "lastStatusCode": delivery.last_status_code,
        "lastError": delivery.last_error,
        "log": delivery.log,
        "createdAt": delivery.created_at.isoformat(),
        "deliveredAt": delivery.delivered_at.isoformat() if delivery.delivered_at else None,
        "payloadPurgedAt": delivery.payload_purged_at.isoformat() if delivery.payload_purged_at else None,
    }


def _project(request: Request) -> Project:
    project = request_api_key(request).project  # loaded with the key at authentication
    assert project is not None, "API keys always carry a project"
    return project


def _endpoint(request: Request, endpoint_id: UUID) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(
        id=endpoint_id, project=_project(request), deleted_at__isnull=True
    ).first()
    if endpoint is None:
        raise NotFound()
    return endpoint


def _unsafe(exc: UnsafeUrl) -> UnprocessableEntity:
    return UnprocessableEntity(str(exc), code="unsafe_url", details=[{"field": "url", "message": str(exc)}])


class WebhookEndpointListApi(APIView):
    scope_family = "webhooks"
    permission_classes = [ReadViewerWriteAdmin]

    @extend_schema(operation_id="webhook_endpoints_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        endpoints = WebhookEndpoint.objects.filter(project=_project(request), deleted_at__isnull=True)
        return Response({"data": [endpoint_data(e) for e in endpoints]})

    @extend_schema(
        operation_id="webhook_endpoints_create", request=EndpointInputSerializer, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        body = EndpointInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            endpoint = endpoint_create(
                project=_project(request),
                url=data["url"],
                event_types=data["eventTypes"],
                description=data["description"],
            )
        except UnsafeUrl as exc:
            raise _unsafe(exc) from exc
        return created(request, endpoint_data(endpoint, secret=True), path=f"/api/v1/webhook-endpoints/{endpoint.id}")


class WebhookEndpointDetailApi(APIView):
    scope_family = "webhooks"
    permission_classes = [ReadViewerWriteAdmin]

    @extend_schema(operation_id="webhook_endpoints_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, endpoint_id: UUID) -> Response:
        return Response({"data": endpoint_data(_endpoint(request, endpoint_id))})

    @extend_schema(
        operation_id="webhook_endpoints_update", request=EndpointInputSerializer, responses={200: OpenApiTypes.OBJECT}
    )
    def patch(self, request: Request, endpoint_id: UUID) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        body = EndpointInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        names = {"url": "url", "description": "description", "eventTypes": "event_types", "enabled": "enabled"}
        changes = {names[k]: v for k, v in body.validated_data.items() if k in request.data}
        try:
            endpoint = endpoint_update(endpoint=endpoint, changes=changes)
        except UnsafeUrl as exc:
            raise _unsafe(exc) from exc
        return Response({"data": endpoint_data(endpoint)})

    @extend_schema(operation_id="webhook_endpoints_delete", responses={204: None})
    def delete(self, request: Request, endpoint_id: UUID) -> Response:
        # To the trash: restorable for the grace period, purged after it; its
        # deliveries stay, for the record.
        trash_put(kind=TrashKind.WEBHOOK_ENDPOINT, obj=_endpoint(request, endpoint_id), by=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateApi(APIView):
    scope_family = "webhooks"
    permission_classes = [IsAdmin]

    @extend_schema(operation_id="webhook_endpoints_rotate_secret", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, endpoint_id: UUID) -> Response:
        endpoint = endpoint_secret_rotate(endpoint=_endpoint(request, endpoint_id))
        return Response({"data": endpoint_data(endpoint, secret=True)})


class ProjectWebhookSecretRotateApi(APIView):
    """The secret that signs deliveries to per-job `webhookUrl`s."""

    scope_family = "webhooks"

    permission_classes = [IsAdmin]

    @extend_schema(operation_id="project_webhook_secret_rotate", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        project = project_secret_rotate(project=_project(request))
        expires = project.previous_webhook_secret_expires_at
        return Response(
            {
                "data": {
                    "secret": project.webhook_secret,
                    "previousSecretExpiresAt": expires.isoformat() if expires else None,
                }
            }
        )


class GenerationDeliveriesApi(APIView):
    scope_family = "webhooks"
    permission_classes = [IsViewer]

    @extend_schema(operation_id="generations_webhook_deliveries", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, job_id: UUID) -> Response:
        job = selectors.job_get(api_key=request_api_key(request), job_id=job_id)
        if job is None:
            raise NotFound()
        return Response({"data": [delivery_data(d) for d in job.webhook_deliveries.all()]})


class WebhookRedeliverApi(APIView):
    scope_family = "webhooks"
    permission_classes = [IsEditor]

    @extend_schema(operation_id="webhook_deliveries_redeliver", request=None, responses={202: OpenApiTypes.OBJECT})
    def post(self, request: Request, delivery_id: int) -> Response:
        organization = request_api_key(request).organization
        delivery = WebhookDelivery.objects.filter(id=delivery_id, job__organization=organization).first()
        if delivery is None:
            raise NotFound()
        return Response({"data": delivery_data(delivery_redeliver(delivery=delivery))}, status=status.HTTP_202_ACCEPTED)
