"""The batches API: upload many generation requests at once, follow the
batch, cancel it, and read its results as JSON Lines while it runs."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError, Conflict, JSONLinesParser, LimitedJSONParser, NDJSONParser, ServiceOverloaded
from common.pagination import EnvelopePagination
from jobs.models import Batch, BatchStatus, Priority
from jobs.services.batches import (
    BatchRejected,
    batch_cancel,
    batch_create,
    batch_intake,
    batch_lines_sha256,
    batch_representation,
    batch_results,
)
from jobs.services.load import should_shed
from safety.ssrf import UnsafeUrl, url_check
from tenants.authentication import request_api_key
from tenants.models import ApiKey
from tenants.permissions import ReadViewerWriteEditor

IDEMPOTENCY_HEADER = "Idempotency-Key"


class BatchJSONParser(LimitedJSONParser):
    """A JSON batch (`{"requests": [...]}`) may be as large as a JSONL one."""

    limit_setting = "BEACON_BATCH_MAX_BYTES"


class BatchOptionsSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.LOW)
    webhookUrl = serializers.URLField(required=False, allow_blank=True, default="", max_length=2000)
    completionWindowHours = serializers.IntegerField(
        required=False, default=lambda: settings.BEACON_BATCH_COMPLETION_HOURS, min_value=1, max_value=168
    )
    metadata = serializers.DictField(required=False, default=dict)

    def validate_webhookUrl(self, value: str) -> str:
        if value:
            try:
                url_check(value, resolve=False)
            except UnsafeUrl as exc:
                raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_metadata(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > 16 or any(not isinstance(v, str) or len(v) > 512 for v in value.values()):
            raise serializers.ValidationError("At most 16 entries, each a string of at most 512 characters.")
        return value


class BatchCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    accepted = serializers.IntegerField()
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()
    invalid = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    inReview = serializers.IntegerField()
    running = serializers.IntegerField()


class BatchOutputSerializer(serializers.Serializer):
    """Describes a batch for the schema; bodies are shaped by batch_representation."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=BatchStatus.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    projectId = serializers.UUIDField()
    metadata = serializers.DictField()
    requestCounts = BatchCountsSerializer()
    createdAt = serializers.DateTimeField()
    inProgressAt = serializers.DateTimeField(allow_null=True)
    expiresAt = serializers.DateTimeField()
    cancellingAt = serializers.DateTimeField(allow_null=True)
    finishedAt = serializers.DateTimeField(allow_null=True)
    links = serializers.DictField(child=serializers.CharField())
    lineErrors = serializers.ListField(child=serializers.DictField(), required=False)


BATCH_ENVELOPE = inline_serializer("BatchEnvelope", fields={"data": BatchOutputSerializer()})


class BatchJsonSerializer(BatchOptionsSerializer):
    requests = serializers.ListField(child=serializers.JSONField(), allow_empty=False)


def _batches(api_key: ApiKey) -> QuerySet[Batch]:
    batches = Batch.objects.filter(organization_id=api_key.organization_id)
    project_id = api_key.project_scope_id()
    return batches if project_id is None else batches.filter(project_id=project_id)


def _batch(request: Request, batch_id: UUID) -> Batch:
    batch = _batches(request_api_key(request)).filter(id=batch_id).first()
    if batch is None:
        raise NotFound()
    return batch


QUERY_OPTIONS = [
    OpenApiParameter("priority", OpenApiTypes.STR, enum=[p.value for p in Priority], description="JSONL: default low"),
    OpenApiParameter("webhookUrl", OpenApiTypes.URI, description="JSONL: where the batch's one webhook goes"),
    OpenApiParameter("completionWindowHours", OpenApiTypes.INT, description="JSONL: 1 to 168, default 24"),
]


class BatchListCreateApi(GenericAPIView):
    scope_family = "generations"
    permission_classes = [ReadViewerWriteEditor]
    parser_classes = [JSONLinesParser, NDJSONParser, BatchJSONParser]
    pagination_class = EnvelopePagination
    serializer_class = BatchJsonSerializer  # what OPTIONS describes

    def get_queryset(self) -> QuerySet[Batch]:
        if getattr(self, "swagger_fake_view", False):
            return Batch.objects.none()
        return _batches(request_api_key(self.request)).order_by("-created_at", "id")

    @extend_schema(operation_id="batches_list", responses={200: BatchOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([batch_representation(batch=batch) for batch in page])

    @extend_schema(
        operation_id="batches_create",
        parameters=[
            *QUERY_OPTIONS,
            OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
        ],
        request={
            "application/jsonl": OpenApiTypes.STR,
            "application/x-ndjson": OpenApiTypes.STR,
            "application/json": BatchJsonSerializer,
        },
        responses={
            202: BATCH_ENVELOPE,
            413: OpenApiResponse(description="The upload is larger than BEACON_BATCH_MAX_BYTES"),
            422: OpenApiResponse(description="Empty, too many lines, no line accepted, or bad batch options"),
        },
        description='One generation request per line: `{"custom_id": "sku-1", "body": {templateId, parameters, '
        "...}}`. Lines are checked like single submissions; a bad line is reported, not fatal.",
    )
    def post(self, request: Request) -> Response:
        api_key = request_api_key(request)
        content_type = (request.content_type or "").split(";")[0].strip()
        if content_type == "application/json":
            as_json = BatchJsonSerializer(data=request.data)
            as_json.is_valid(raise_exception=True)
            options = as_json.validated_data
            lines: Any = ((number, value) for number, value in enumerate(options["requests"], start=1))
        else:
            checked = BatchOptionsSerializer(data=request.query_params)
            checked.is_valid(raise_exception=True)
            options = checked.validated_data
            lines = request.data  # an iterator over the upload (common.api.JSONLinesParser)
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        if len(key) > 255:
            raise ApiError("Idempotency-Key must be at most 255 characters.", code="validation_error", status_code=422)
        if key:
            replayed = _replay(request, api_key, key, lines)
            if replayed is not None:
                return replayed
        if should_shed(options["priority"]):
            raise ServiceOverloaded()
        try:
            with transaction.atomic():
                batch = batch_create(
                    api_key=api_key,
                    priority=options["priority"],
                    webhook_url=options["webhookUrl"],
                    completion_hours=options["completionWindowHours"],
                    metadata=options["metadata"],
                    idempotency_key=key,
                )
        except IntegrityError:
            raise Conflict(
                "Another upload with this Idempotency-Key is being accepted; read the batch once it is.",
                code="idempotency_key_in_use",
            ) from None
        try:
            batch_intake(api_key=api_key, batch=batch, lines=lines)
        except BatchRejected as exc:
            Batch.objects.filter(id=batch.id).update(status=BatchStatus.FAILED)
            raise ApiError(exc.message, code=exc.code, status_code=422) from exc
        batch.refresh_from_db()
        return _accepted(request, batch)


def _accepted(request: Request, batch: Batch, *, replayed: bool = False) -> Response:
    headers = {"Location": request.build_absolute_uri(f"/api/v1/batches/{batch.id}")}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response({"data": batch_representation(batch=batch)}, status=status.HTTP_202_ACCEPTED, headers=headers)


def _replay(request: Request, api_key: ApiKey, key: str, lines: Any) -> Response | None:
    """The batch an earlier upload with this Idempotency-Key made, if its
    lines were the same (Stripe's semantics, as for single submissions):
    a re-sent upload never makes a second batch or a second job."""
    existing = Batch.objects.filter(organization_id=api_key.organization_id, idempotency_key=key).first()
    if existing is None:
        return None
    if not existing.lines_sha256:
        raise Conflict("The upload with this Idempotency-Key is still being accepted.", code="idempotency_key_in_use")
    if batch_lines_sha256(lines) != existing.lines_sha256:
        raise Conflict("This Idempotency-Key was used for a batch with different lines.", code="idempotency_key_reused")
    return _accepted(request, existing, replayed=True)


class BatchDetailApi(APIView):
    scope_family = "generations"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="batches_retrieve", responses={200: BATCH_ENVELOPE})
    def get(self, request: Request, batch_id: UUID) -> Response:
        batch = _batch(request, batch_id)
        body = batch_representation(batch=batch)
        body["lineErrors"] = batch.line_errors[:100]  # all of them are in the results
        return Response({"data": body})


class BatchCancelApi(APIView):
    scope_family = "generations"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="batches_cancel", request=None, responses={200: BATCH_ENVELOPE})
    def post(self, request: Request, batch_id: UUID) -> Response:
        batch = batch_cancel(batch=_batch(request, batch_id))
        return Response({"data": batch_representation(batch=batch)})


class BatchResultsApi(APIView):
    scope_family = "generations"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(
        operation_id="batches_results",
        responses={(200, "application/jsonl"): OpenApiTypes.STR},
        description="JSON Lines by line number: each ended job and each refused line "
        '(`{"custom_id", "line", "id", "status", "result", "error"}`); jobs still running are left out.',
    )
    def get(self, request: Request, batch_id: UUID) -> StreamingHttpResponse:
        batch = _batch(request, batch_id)
        response = StreamingHttpResponse(batch_results(batch=batch), content_type="application/jsonl")
        response["Content-Disposition"] = f'attachment; filename="batch-{batch.id}-results.jsonl"'
        return response
