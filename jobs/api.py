"""The generations API: submit, read, list, cancel, and a job's event log."""

import json
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common import correlation
from common.api import ApiError, TooManyRequests
from common.pagination import EnvelopePagination
from common.slots import Slot, SlotRefused, slot_release, slot_take
from jobs import selectors
from jobs.filters import GenerationFilter
from jobs.models import Job, StorageTier
from jobs.serializers import (
    GenerationEnvelopeSerializer,
    GenerationRequestSerializer,
    GenerationSerializer,
    JobEventListSerializer,
    JobEventSerializer,
)
from jobs.services.generations import generation_check, generation_submit
from jobs.services.lifecycle import job_cancel
from jobs.services.tiers import ArchiveError, job_document
from jobs.streaming import SlottedStream, SyncWaitResponse, archived_event_stream, job_event_stream, job_wait
from tenants.authentication import request_api_key
from tenants.permissions import ReadViewerWriteEditor

IDEMPOTENCY_HEADER = "Idempotency-Key"
ERROR_RESPONSES = {
    400: OpenApiResponse(description="Malformed JSON"),
    401: OpenApiResponse(description="Missing or invalid API key"),
    403: OpenApiResponse(description="The key's role does not allow this"),
    404: OpenApiResponse(description="No such job in this organization"),
    409: OpenApiResponse(description="Conflict (idempotency key reuse, job state)"),
    413: OpenApiResponse(description="Body too large"),
    422: OpenApiResponse(description="Invalid request, with field details"),
    429: OpenApiResponse(description="Rate limited (Retry-After), or the month's model budget is spent"),
    502: OpenApiResponse(description="Sync mode: the job failed because the model provider failed permanently"),
    503: OpenApiResponse(description="Overloaded: low-priority work is refused while queues are deep (Retry-After)"),
}


# The stream is a sequence of Server-Sent Events; the schema describes one
# (as clients and Schemathesis read a stream: event by event).
SSE_EVENT = {
    "type": "object",
    "description": "One Server-Sent Event; the answer is a sequence of them, ending with `end`.",
    "properties": {
        "event": {"type": "string", "description": "the event's type (`end` closes the stream)"},
        "data": {"type": "string", "description": "a JSON object"},
        "id": {"type": "string", "description": "the event's id, for Last-Event-ID"},
        "retry": {"type": "integer"},
    },
}


class TooManyWaits(TooManyRequests):
    default_code = "too_many_waits"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # the exception handler sends it as Retry-After


def _wait_slot(*, kind: str, organization_id: object, limit: int, hold_seconds: float) -> Slot | None:
    """One of the organization's slots for a stream or a sync wait, or 429."""
    slot = slot_take(kind=kind, owner=str(organization_id), limit=limit, hold_seconds=hold_seconds)
    if isinstance(slot, SlotRefused):
        raise TooManyWaits(
            f"This organization already has {limit} open {kind.replace('-', ' ')}; retry when one of them ends.",
            retry_after=slot.retry_after,
        )
    return slot


TIER_HEADER = "Beacon-Storage-Tier"


def archived_document(job: Job) -> dict[str, Any]:
    """A warm job's archive document; a cold job answers 410 with its status
    and the command that restores it (jobs/services/cold_tier.py)."""
    if job.storage_tier == StorageTier.COLD:
        command = f"python manage.py storage_tiers restore --job {job.id}"
        raise ApiError(
            f"The job ended {job.status} and is in the cold archive; an operator restores it with `{command}`.",
            code="job_archived",
            status_code=410,
            details=[{"field": "status", "message": job.status}, {"field": "restore", "message": command}],
        )
    try:
        return job_document(job)
    except ArchiveError as exc:
        raise ApiError(
            "The job's archived result cannot be read right now; try again later.",
            code="archive_unavailable",
            status_code=503,
        ) from exc


class _JobLookupMixin:
    def get_job(self, request: Request, job_id: UUID) -> Job:
        job = selectors.job_get(api_key=request_api_key(request), job_id=job_id)
        if job is None:
            raise NotFound()
        return job


class GenerationListCreateApi(GenericAPIView):
    scope_family = "generations"
    permission_classes = [ReadViewerWriteEditor]
    pagination_class = EnvelopePagination
    filterset_class = GenerationFilter
    serializer_class = GenerationSerializer

    def get_queryset(self) -> QuerySet[Job]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's pass has no key
            return Job.objects.none()
        return selectors.jobs_visible_to(api_key=request_api_key(self.request))

    @extend_schema(
        operation_id="generations_create",
        request=GenerationRequestSerializer,
        parameters=[
            OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
        ],
        responses={200: GenerationEnvelopeSerializer, 202: GenerationEnvelopeSerializer, **ERROR_RESPONSES},
        examples=[
            OpenApiExample(
                "Enrich a listing",
                request_only=True,
                value={
                    "templateId": "metadata_enrichment",
                    "parameters": {"content": "Blue cotton shirt by Acme, size M.", "locale": "en-US"},
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        api_key = request_api_key(request)
        checked = generation_check(
            api_key=api_key, body=request.data, idempotency_key=request.headers.get(IDEMPOTENCY_HEADER) or None
        )
        options = checked.options
        sync = options.get("mode") == "sync"
        timeout = float(options.get("syncTimeoutSeconds") or settings.BEACON_SYNC_TIMEOUT_SECONDS)
        slot = None
        if sync:  # taken before the job exists: a refused wait accepts nothing
            slot = _wait_slot(
                kind="sync-waits",
                organization_id=api_key.organization_id,
                limit=settings.BEACON_MAX_SYNC_WAITS_PER_ORGANIZATION,
                hold_seconds=timeout + 30,
            )
        try:
            submission = generation_submit(api_key=api_key, checked=checked, correlation_id=correlation.current())
        except BaseException:
            slot_release(slot)
            raise
        job = submission.job
        headers = {"Location": request.build_absolute_uri(f"/api/v1/generations/{job.id}")}
        if not submission.created:
            headers["Idempotent-Replayed"] = "true"
        representation = {"data": selectors.job_representation(job=job)}
        if not sync:
            return Response(representation, status=status.HTTP_202_ACCEPTED, headers=headers)
        if isinstance(request._request, ASGIRequest):
            # The ASGI handler (beacon/asgi.py) waits on its event loop: no
            # thread is held while the job runs.
            return SyncWaitResponse(
                representation, job_id=str(job.id), timeout=timeout, slot=slot, status=202, headers=headers
            )
        try:  # the WSGI entry point and the test client wait in this thread
            job = job_wait(job_id=str(job.id), timeout=timeout)
        finally:
            slot_release(slot)
        answer, body = selectors.sync_answer(selectors.job_representation(job=job))
        return Response(body, status=answer, headers=headers)

    @extend_schema(operation_id="generations_list", responses={200: GenerationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response([selectors.job_representation(job=job) for job in page])


class GenerationDetailApi(_JobLookupMixin, APIView):
    scope_family = "generations"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(
        operation_id="generations_retrieve", responses={200: GenerationEnvelopeSerializer, **ERROR_RESPONSES}
    )
    def get(self, request: Request, job_id: UUID) -> Response:
        job = self.get_job(request, job_id)
        if job.storage_tier != StorageTier.HOT:
            # From object storage: the job as it was when it moved (it had ended).
            response = Response({"data": archived_document(job)["job"]})
        else:
            response = Response({"data": selectors.job_representation(job=job)})
        response[TIER_HEADER] = job.storage_tier
        return response

    @extend_schema(operation_id="generations_cancel", responses={204: None, **ERROR_RESPONSES})
    def delete(self, request: Request, job_id: UUID) -> Response:
        job = self.get_job(request, job_id)
        job_cancel(job_id=str(job.id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventStreamRenderer(BaseRenderer):
    """Lets a client that accepts only `text/event-stream` (EventSource) in;
    errors still go out as the API's JSON error body."""

    media_type = "text/event-stream"
    format = "sse"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data, default=str).encode()


class GenerationStreamApi(_JobLookupMixin, APIView):
    """The job's events as Server-Sent Events until it ends."""

    scope_family = "generations"

    renderer_classes = [JSONRenderer, EventStreamRenderer]

    @extend_schema(
        operation_id="generations_stream",
        parameters=[OpenApiParameter("Last-Event-ID", OpenApiTypes.INT, OpenApiParameter.HEADER, required=False)],
        responses={(200, "text/event-stream"): SSE_EVENT, **ERROR_RESPONSES},
    )
    def get(self, request: Request, job_id: UUID) -> StreamingHttpResponse:
        job = self.get_job(request, job_id)
        last = request.headers.get("Last-Event-ID", "0")
        after_id = int(last) if last.isdecimal() else 0
        events: Any = (
            job_event_stream(job_id=str(job.id), after_id=after_id)
            if job.storage_tier == StorageTier.HOT
            else archived_event_stream(events=archived_document(job)["events"], status=job.status, after_id=after_id)
        )
        slot = _wait_slot(
            kind="streams",
            organization_id=job.organization_id,
            limit=settings.BEACON_MAX_STREAMS_PER_ORGANIZATION,
            hold_seconds=settings.BEACON_STREAM_MAX_SECONDS + 30,
        )
        response = StreamingHttpResponse(
            SlottedStream(events, slot),
            content_type="text/event-stream",
        )
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # proxies must not hold the stream back
        return response


class GenerationEventsApi(_JobLookupMixin, APIView):
    scope_family = "generations"

    @extend_schema(operation_id="generations_events", responses={200: JobEventListSerializer, **ERROR_RESPONSES})
    def get(self, request: Request, job_id: UUID) -> Response:
        job = self.get_job(request, job_id)
        if job.storage_tier != StorageTier.HOT:
            response = Response({"data": archived_document(job)["events"]})
        else:
            events: Any = selectors.job_events(job=job)
            response = Response({"data": JobEventSerializer(events, many=True).data})
        response[TIER_HEADER] = job.storage_tier
        return response
