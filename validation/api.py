"""The output schema registry's API: schemas per organization over platform
defaults, their versions, forks and what uses them."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError, PlatformDefault, created
from tenants.authentication import request_actor, request_api_key
from tenants.permissions import IsEditor, ReadViewerWriteEditor
from validation.models import OutputSchema, SchemaVersion
from validation.registry import schema_lookup, schemas_visible
from validation.schemas import SchemaRegistryError, next_minor, schema_delete, schema_fork, schema_version_create


# --- the output schema registry -------------------------------------------------
def _rule_in_words(rule: dict[str, Any]) -> str:
    kind, path = rule.get("kind"), rule.get("path", "")
    words = {
        "range": f"{path} between {rule.get('min')} and {rule.get('max')}",
        "enum": f"{path} is one of {rule.get('values')}",
        "regex": f"{path} matches {rule.get('pattern')}",
        "required_if": f"{path} is required when {rule.get('if')}",
        "reference": f"{path} is in the job's {rule.get('table')}",
        "expression": f"{rule.get('expression')}",
    }.get(str(kind), str(kind))
    return f"{rule.get('id')}: {rule.get('message') or words}"


def schema_version_data(version: SchemaVersion, *, full: bool = True) -> dict[str, Any]:
    from llm.scripted import schema_example

    data: dict[str, Any] = {
        "version": version.version,
        "contentHash": version.content_hash,
        "createdBy": version.created_by,
        "createdAt": version.created_at.isoformat(),
    }
    if full:
        data.update(
            jsonSchema=version.json_schema,
            rules=version.rules,
            quality=version.quality,
            documentation={
                "exampleOutput": schema_example(version.json_schema),
                "rules": [_rule_in_words(rule) for rule in version.rules],
                "quality": version.quality,
            },
        )
    return data


# How many of an organization's jobs were validated against each version of a
# schema ({version: count}). Jobs answers (jobs/apps.py): validation sits
# below jobs and never imports it.
SCHEMA_JOB_COUNTS: list[Callable[[OutputSchema, Any], dict[str, int]]] = []


def schema_usage(schema: OutputSchema, *, organization_id: Any) -> dict[str, Any]:
    """The template versions that pin a version of the schema, and the jobs
    validated against each version: the caller's organization's only (and
    the platform's templates, which every organization sees)."""
    pins = schema.versions.filter(
        Q(template_versions__template__organization_id=organization_id)
        | Q(template_versions__template__organization__isnull=True),
        template_versions__template__deleted_at__isnull=True,
    ).values_list("template_versions__template__name", "template_versions__version", "version")
    counts = SCHEMA_JOB_COUNTS[0](schema, organization_id) if SCHEMA_JOB_COUNTS else {}
    return {
        "templates": sorted(f"{name}@{number} (schema {pinned})" for name, number, pinned in pins),
        "jobs": counts,
    }


class SchemaWriteSerializer(serializers.Serializer):
    name = serializers.SlugField(max_length=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.CharField(required=False, max_length=32)
    jsonSchema = serializers.JSONField()
    rules = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    quality = serializers.DictField(required=False, default=dict)


def _schema_error(exc: SchemaRegistryError) -> ApiError:
    status_code = 409 if exc.code in ("conflict", "incompatible_schema", "schema_in_use") else 422
    return ApiError(exc.message, code=exc.code, status_code=status_code, details=exc.details)


def _schema(request: Request, name: str, *, write: bool = False) -> OutputSchema:
    """The caller's organization's schema of that name, else the platform's;
    another organization's is not found. Platform schemas are read-only here."""
    schema = schema_lookup(organization_id=request_api_key(request).organization_id, name=name)
    if schema is None:
        raise NotFound()
    if write and schema.is_platform:
        raise PlatformDefault(
            f"{name!r} is a platform schema: only platform operators change it. "
            f"Fork it (POST /api/v1/schemas/{name}/fork) to have your own."
        )
    return schema


def schema_data(schema: OutputSchema) -> dict[str, Any]:
    return {
        "name": schema.name,
        "description": schema.description,
        "platform": schema.is_platform,
        "versions": [schema_version_data(v, full=False) for v in schema.versions.all()],
    }


def _new_version(request: Request, schema: OutputSchema, data: dict[str, Any], *, default_version: str) -> Response:
    """Create a checked version and answer 201 with it, or raise the API error
    (inside the caller's transaction, a refused first version takes its new
    schema with it)."""
    try:
        version = schema_version_create(
            schema=schema,
            version=data.get("version") or default_version,
            json_schema=data["jsonSchema"],
            rules=data["rules"],
            quality=data["quality"],
            created_by=request_actor(request),
        )
    except SchemaRegistryError as exc:
        raise _schema_error(exc) from exc
    body = {"name": schema.name, **schema_version_data(version)}
    return created(request, body, path=f"/api/v1/schemas/{schema.name}/versions/{version.version}")


class SchemaListApi(APIView):
    scope_family = "schemas"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="schemas_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        organization_id = request_api_key(request).organization_id
        schemas = schemas_visible(organization_id=organization_id).order_by("name", "organization_id")
        return Response({"data": [schema_data(s) for s in schemas.prefetch_related("versions")]})

    @extend_schema(operation_id="schemas_create", request=SchemaWriteSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        serializer = SchemaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not data.get("name"):
            raise ApiError("`name` is required.", code="validation_error", status_code=422)
        organization = request_api_key(request).organization
        existing = schema_lookup(organization_id=organization.id, name=data["name"])
        trashed = OutputSchema.objects.filter(organization=organization, name=data["name"], deleted_at__isnull=False)
        if trashed.exists():
            raise ApiError(
                f"a schema named {data['name']!r} is in the trash; restore it (POST /api/v1/trash/schema/"
                f"{trashed.first().pk}/restore) or choose another name",  # type: ignore[union-attr]
                code="conflict",
                status_code=409,
            )
        if existing is not None:
            hint = "; fork it to have your own" if existing.is_platform else ""
            raise ApiError(f"a schema named {data['name']!r} exists{hint}", code="conflict", status_code=409)
        with transaction.atomic():
            schema = OutputSchema.objects.create(
                organization=organization, name=data["name"], description=data["description"]
            )
            return _new_version(request, schema, data, default_version="1.0.0")


class SchemaDetailApi(APIView):
    scope_family = "schemas"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="schemas_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, name: str) -> Response:
        schema = _schema(request, name)
        latest = schema.versions.order_by("-created_at").first()
        usage = schema_usage(schema, organization_id=request_api_key(request).organization_id)
        return Response(
            {
                "data": {
                    **schema_data(schema),
                    "latest": schema_version_data(latest) if latest else None,
                    "usage": usage,
                }
            }
        )

    @extend_schema(operation_id="schemas_update", request=SchemaWriteSerializer, responses={201: OpenApiTypes.OBJECT})
    def put(self, request: Request, name: str) -> Response:
        """Schemas are immutable per version: an update answers 201 with a new version."""
        schema = _schema(request, name, write=True)
        serializer = SchemaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _new_version(request, schema, serializer.validated_data, default_version=next_minor(schema))

    @extend_schema(operation_id="schemas_delete", responses={204: None})
    def delete(self, request: Request, name: str) -> Response:
        """Move the schema to the trash: restorable for the grace period (POST
        /api/v1/trash/schema/:id/restore), purged after it."""
        try:
            schema_delete(schema=_schema(request, name, write=True), deleted_by=request_actor(request))
        except SchemaRegistryError as exc:
            raise _schema_error(exc) from exc
        return Response(status=204)


class SchemaVersionApi(APIView):
    scope_family = "schemas"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="schema_versions_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, name: str, version: str) -> Response:
        found = _schema(request, name).versions.filter(version=version).first()
        if found is None:
            raise NotFound()
        return Response({"data": {"name": name, **schema_version_data(found)}})


class SchemaForkApi(APIView):
    scope_family = "schemas"
    permission_classes = [IsEditor]

    @extend_schema(operation_id="schemas_fork", request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, name: str) -> Response:
        """Copy a platform schema's latest version into the organization's own
        schema of the same name (copy-on-write); its templates adopt it in
        their next versions."""
        schema = _schema(request, name)
        try:
            fork = schema_fork(
                schema=schema, organization=request_api_key(request).organization, forked_by=request_actor(request)
            )
        except SchemaRegistryError as exc:
            raise _schema_error(exc) from exc
        return created(request, schema_data(fork), path=f"/api/v1/schemas/{fork.name}")
