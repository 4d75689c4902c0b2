"""The templates API: templates, versions, the review workflow, approvals,
labels, previews and diffs. Viewers read; editors create, approve, move and
test; admins delete.

Every lookup is scoped to the key's organization: its own templates and the
platform defaults. Another organization's template is a 404 (never a 403, so
its existence does not leak); a platform default is read-only here (403 on a
write, with the hint to fork it).
"""

import difflib
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError, PlatformDefault, created
from prompts.approvals import ApprovalError, version_approve
from prompts.models import PromptTemplate, TemplateLabel, TemplateVersion
from prompts.selectors import templates_visible
from prompts.serializers import (
    ApproveSerializer,
    LabelSetSerializer,
    ReasonSerializer,
    TemplateCreateSerializer,
    TemplateReplaceSerializer,
    TemplateUpdateSerializer,
    VersionCreateSerializer,
    VersionEditSerializer,
    label_data,
    template_data,
    version_data,
)
from prompts.services import (
    TRANSITIONS,
    Arm,
    label_rollback,
    label_set,
    template_create,
    template_delete,
    template_fork,
    version_create,
    version_edit,
    version_transition,
)
from tenants.authentication import request_actor, request_api_key
from tenants.permissions import IsAdmin, IsEditor, ReadViewerWriteEditor


def _template(request: Request, template_id: UUID | str, *, write: bool = False) -> PromptTemplate:
    """The template if the key's organization may see it (its own, or a
    platform default); `write`: only its own."""
    queryset = templates_visible(organization_id=request_api_key(request).organization_id)
    template = queryset.filter(id=template_id).first() if isinstance(template_id, UUID) else None
    if template is None:
        raise NotFound()
    if write and template.is_platform:
        raise PlatformDefault(
            f"{template.name!r} is a platform template: only platform operators change it. "
            f"Fork it (POST /api/v1/templates/{template.id}/fork) to have your own."
        )
    return template


def _version(template: PromptTemplate, number: str) -> TemplateVersion:
    version = template.versions.filter(version=number).first()
    if version is None:
        raise NotFound()
    return version


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class TemplateListApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="templates_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        organization_id = request_api_key(request).organization_id
        templates = templates_visible(organization_id=organization_id).order_by("name", "organization_id")
        return Response({"data": [template_data(t) for t in templates]})

    @extend_schema(
        operation_id="templates_create", request=TemplateCreateSerializer, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request) -> Response:
        data = _valid(TemplateCreateSerializer, request.data)
        owner = data["owner"] or request_actor(request)
        template = template_create(
            organization=request_api_key(request).organization,
            name=data["name"],
            task_kind=data["taskKind"],
            description=data["description"],
            owner=owner,
            sensitive=data["sensitive"],
        )
        return created(request, template_data(template), path=f"/api/v1/templates/{template.id}")


class TemplateDetailApi(APIView):
    scope_family = "templates"

    def get_permissions(self) -> list[Any]:
        return [IsAdmin()] if self.request.method == "DELETE" else [ReadViewerWriteEditor()]

    @extend_schema(operation_id="templates_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, template_id: UUID) -> Response:
        template = _template(request, template_id)
        labels = [label_data(label, history=True) for label in template.labels.all()]
        return Response({"data": {**template_data(template), "labels": labels}})

    @extend_schema(
        operation_id="templates_update", request=TemplateUpdateSerializer, responses={200: OpenApiTypes.OBJECT}
    )
    def patch(self, request: Request, template_id: UUID) -> Response:
        template = _template(request, template_id, write=True)
        data = _valid(TemplateUpdateSerializer, request.data)
        for field, value in data.items():
            setattr(template, field, value)
        template.save(update_fields=["description", "owner", "sensitive"])
        return Response({"data": template_data(template)})

    @extend_schema(
        operation_id="templates_replace",
        request=TemplateReplaceSerializer,
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT},
        description="Replace the template's description, owner and sensitivity. With `systemPrompt` and "
        "`userPrompt` it also creates a new draft version from the latest one (201, `Location` of the version).",
    )
    def put(self, request: Request, template_id: UUID) -> Response:
        template = _template(request, template_id, write=True)
        data = _valid(TemplateReplaceSerializer, request.data)
        if template.sensitive and not data["sensitive"]:
            detail = {"field": "sensitive", "message": "A sensitive template stays sensitive.", "code": "invalid"}
            raise ApiError("A sensitive template stays sensitive; ask a platform operator.", code="validation_error",
                           status_code=422, details=[detail])  # fmt: skip
        template.description, template.owner, template.sensitive = data["description"], data["owner"], data["sensitive"]
        template.save(update_fields=["description", "owner", "sensitive"])
        if "systemPrompt" not in data:
            return Response({"data": template_data(template)})
        version = version_create(
            template=template,
            system_prompt=data["systemPrompt"],
            user_prompt=data["userPrompt"],
            few_shot_examples=data["fewShotExamples"],
            metadata=data["metadata"],
            parent=template.versions.order_by("-created_at").first(),
            version=data.get("version"),
            created_by=request_actor(request),
        )
        body = {**template_data(template), "createdVersion": version_data(version)}
        return created(request, body, path=f"/api/v1/templates/{template.id}/versions/{version.version}")

    @extend_schema(operation_id="templates_delete", responses={204: None})
    def delete(self, request: Request, template_id: UUID) -> Response:
        template_delete(template=_template(request, template_id, write=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionListApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="template_versions_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, template_id: UUID) -> Response:
        template = _template(request, template_id)
        return Response({"data": [version_data(v) for v in template.versions.select_related("parent")]})

    @extend_schema(
        operation_id="template_versions_create", request=VersionCreateSerializer, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, template_id: UUID) -> Response:
        template = _template(request, template_id, write=True)
        data = _valid(VersionCreateSerializer, request.data)
        parent = _version(template, data["parentVersion"]) if data.get("parentVersion") else None
        version = version_create(
            template=template,
            system_prompt=data["systemPrompt"],
            user_prompt=data["userPrompt"],
            few_shot_examples=data["fewShotExamples"],
            metadata=data["metadata"],
            parent=parent,
            version=data.get("version"),
            created_by=request_actor(request),
        )
        return created(
            request, version_data(version), path=f"/api/v1/templates/{template.id}/versions/{version.version}"
        )


class VersionDetailApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="template_versions_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, template_id: UUID, version: str) -> Response:
        return Response({"data": version_data(_version(_template(request, template_id), version))})

    @extend_schema(
        operation_id="template_versions_edit", request=VersionEditSerializer, responses={201: OpenApiTypes.OBJECT}
    )
    def patch(self, request: Request, template_id: UUID, version: str) -> Response:
        """Versions are immutable: an edit answers 201 with a new draft version."""
        source = _version(_template(request, template_id, write=True), version)
        data = _valid(VersionEditSerializer, request.data)
        names = {
            "systemPrompt": "system_prompt",
            "userPrompt": "user_prompt",
            "fewShotExamples": "few_shot_examples",
            "metadata": "metadata",
            "version": "version",
        }
        edited = version_edit(
            version=source, changes={names[k]: v for k, v in data.items()}, created_by=request_actor(request)
        )
        return created(request, version_data(edited), path=f"/api/v1/templates/{template_id}/versions/{edited.version}")


class VersionActionApi(APIView):
    scope_family = "templates"
    permission_classes = [IsEditor]

    @extend_schema(operation_id="template_versions_action", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, template_id: UUID, version: str, action: str) -> Response:
        if action not in TRANSITIONS:
            raise NotFound()
        target = _version(_template(request, template_id, write=True), version)
        changed = version_transition(version=target, action=action)
        return Response({"data": version_data(changed)})


class LabelApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="template_labels_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, template_id: UUID, name: str) -> Response:
        label = TemplateLabel.objects.filter(template=_template(request, template_id), name=name).first()
        if label is None:
            raise NotFound()
        return Response({"data": label_data(label, history=True)})

    @extend_schema(operation_id="template_labels_set", request=LabelSetSerializer, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, template_id: UUID, name: str) -> Response:
        template = _template(request, template_id, write=True)
        data = _valid(LabelSetSerializer, request.data)
        arms = [Arm(_version(template, arm["version"]), arm["weight"]) for arm in data["arms"]]
        label = label_set(
            template=template, name=name, arms=arms, moved_by=request_actor(request), reason=data["reason"]
        )
        return Response({"data": label_data(label, history=True)})


class LabelRollbackApi(APIView):
    scope_family = "templates"
    permission_classes = [IsEditor]

    @extend_schema(
        operation_id="template_labels_rollback", request=ReasonSerializer, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, template_id: UUID, name: str) -> Response:
        data = _valid(ReasonSerializer, request.data)
        label = label_rollback(
            template=_template(request, template_id, write=True),
            name=name,
            moved_by=request_actor(request),
            reason=data["reason"],
        )
        return Response({"data": label_data(label, history=True)})


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class TemplateDiffApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(
        operation_id="template_versions_diff",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.STR, required=True, description="The older version (1.0.0)"),
            OpenApiParameter("to", OpenApiTypes.STR, required=True, description="The newer version (1.1.0)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, template_id: UUID) -> Response:
        template = _template(request, template_id)
        missing = [name for name in ("from", "to") if not request.query_params.get(name)]
        if missing:
            raise ApiError(
                "`from` and `to` name the two versions to compare.",
                code="validation_error",
                status_code=422,
                details=[{"field": m, "message": "required"} for m in missing],
            )
        old = _version(template, request.query_params["from"])
        new = _version(template, request.query_params["to"])
        fields: dict[str, tuple[str, Callable[[Any], str]]] = {
            "systemPrompt": ("system_prompt", str),
            "userPrompt": ("user_prompt", str),
            "fewShotExamples": ("few_shot_examples", _pretty),
            "metadata": ("metadata", _pretty),
        }
        diff = {}
        for name, (attribute, as_text) in fields.items():
            before, after = as_text(getattr(old, attribute)), as_text(getattr(new, attribute))
            diff[name] = "".join(
                difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    fromfile=old.version,
                    tofile=new.version,
                )
            )
        return Response({"data": {"from": old.version, "to": new.version, "diff": diff}})


class TemplateForkApi(APIView):
    scope_family = "templates"
    permission_classes = [IsEditor]

    @extend_schema(operation_id="templates_fork", request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, template_id: UUID) -> Response:
        """The organization's own copy of a platform template (copy-on-write):
        same name, starting at the version production serves now; from then
        on the organization's jobs resolve its copy and its labels move only
        its own traffic."""
        template = _template(request, template_id)
        fork = template_fork(
            template=template, organization=request_api_key(request).organization, forked_by=request_actor(request)
        )
        return created(request, template_data(fork), path=f"/api/v1/templates/{fork.id}")


class VersionApproveApi(APIView):
    scope_family = "templates"
    permission_classes = [IsEditor]

    @extend_schema(
        operation_id="template_versions_approve", request=ApproveSerializer, responses={201: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, template_id: UUID, version: str) -> Response:
        """Approve the version's current content (not its author; a security
        approval needs a key marked as a security reviewer)."""
        target = _version(_template(request, template_id, write=True), version)
        data = _valid(ApproveSerializer, request.data)
        if data["security"] and not request_api_key(request).security_reviewer:
            raise ApiError("A security approval needs a security reviewer's key.", code="forbidden", status_code=403)
        try:
            version_approve(
                version=target, approver=request_actor(request), security=data["security"], note=data["note"]
            )
        except ApprovalError as exc:
            status_code = 409 if exc.code in ("conflict", "invalid_state", "self_approval") else 422
            raise ApiError(exc.message, code=exc.code, status_code=status_code) from exc
        return created(request, version_data(target), path=f"/api/v1/templates/{template_id}/versions/{target.version}")
