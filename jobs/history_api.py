"""A job's past: its state at a time, rebuilt from the event log, and how
its output changed (model answers, repairs, the validated result, a
reviewer's edit)."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError
from jobs.api import ERROR_RESPONSES, _JobLookupMixin, archived_document
from jobs.models import StorageTier
from jobs.services.history import job_history_at, output_diff, output_versions

HISTORY = inline_serializer(
    "GenerationHistory",
    fields={
        "data": inline_serializer(
            "GenerationAt",
            fields={
                "id": serializers.UUIDField(),
                "at": serializers.DateTimeField(),
                "existed": serializers.BooleanField(),
                "status": serializers.CharField(allow_null=True),
                "stage": serializers.CharField(allow_null=True),
                "generations": serializers.IntegerField(),
                "promptTokens": serializers.IntegerField(),
                "completionTokens": serializers.IntegerField(),
                "costUsd": serializers.CharField(),
                "startedAt": serializers.DateTimeField(allow_null=True),
                "finishedAt": serializers.DateTimeField(allow_null=True),
                "errorCode": serializers.CharField(allow_null=True),
                "resultPurged": serializers.BooleanField(),
                "events": serializers.IntegerField(),
                "lastEventId": serializers.IntegerField(allow_null=True),
            },
        )
    },
)
DIFF = inline_serializer(
    "GenerationDiff",
    fields={
        "data": inline_serializer(
            "OutputDiff",
            fields={
                "versions": serializers.ListField(child=serializers.DictField()),
                "from": serializers.CharField(allow_null=True),
                "to": serializers.CharField(allow_null=True),
                "changes": serializers.ListField(child=serializers.DictField()),
            },
        )
    },
)


def _time(value: str | None, name: str) -> datetime:
    if value is None:
        return timezone.now()
    parsed = parse_datetime(value)
    if parsed is None:
        raise ApiError(
            f"`{name}` must be an ISO 8601 time, e.g. 2026-11-30T12:00:00Z.",
            code="validation_error",
            status_code=422,
            details=[{"field": name, "message": "not an ISO 8601 time"}],
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class GenerationHistoryApi(_JobLookupMixin, APIView):
    scope_family = "generations"

    @extend_schema(
        operation_id="generations_history",
        parameters=[OpenApiParameter("at", OpenApiTypes.DATETIME, description="default: now")],
        responses={200: HISTORY, **ERROR_RESPONSES},
        description="The job as it was at `at`, rebuilt from its event log alone.",
    )
    def get(self, request: Request, job_id: UUID) -> Response:
        job = self.get_job(request, job_id)
        at = _time(request.query_params.get("at"), "at")
        archived = archived_document(job)["events"] if job.storage_tier != StorageTier.HOT else None
        return Response({"data": job_history_at(job=job, at=at, archived=archived)})


class GenerationDiffApi(_JobLookupMixin, APIView):
    scope_family = "generations"

    @extend_schema(
        operation_id="generations_diff",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.STR, description="a version name (`model:1`, ...); default: the first"
            ),
            OpenApiParameter("to", OpenApiTypes.STR, description="a version name; default: the last"),
        ],
        responses={200: DIFF, **ERROR_RESPONSES},
        description="The job's output versions (each model answer, repairs, the validated result or a "
        "reviewer's edit) and the field changes between two of them.",
    )
    def get(self, request: Request, job_id: UUID) -> Response:
        job = self.get_job(request, job_id)
        document = archived_document(job) if job.storage_tier != StorageTier.HOT else None
        versions = output_versions(job=job, document=document)
        by_name = {version.name: version for version in versions}
        names = [version.name for version in versions]
        first = request.query_params.get("from") or (names[0] if names else None)
        last = request.query_params.get("to") or (names[-1] if names else None)
        for name, value in (("from", first), ("to", last)):
            if value is not None and value not in by_name:
                raise NotFound(f"No output version {value!r} for `{name}`; the job has: {', '.join(names) or 'none'}.")
        changes: list[dict[str, Any]] = []
        if first is not None and last is not None:
            changes = output_diff(by_name[first].output, by_name[last].output)
        listed = [{"name": v.name, "source": v.source, "at": v.at} for v in versions]
        return Response({"data": {"versions": listed, "from": first, "to": last, "changes": changes}})
