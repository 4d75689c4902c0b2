"""The trash API: what the organization deleted, moving a row there, and
restoring it within the grace period (jobs/services/trash.py)."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiError
from jobs.services.trash import (
    KIND_CHOICES,
    ORGANIZATION_WIDE,
    ROLE_NEEDED,
    RestoreWindowClosed,
    TrashKind,
    trash_items,
    trash_lookup,
    trash_put,
    trash_restore,
)
from tenants.authentication import request_actor, request_api_key
from tenants.models import ApiKey
from tenants.permissions import ReadViewerWriteEditor

TRASH_ITEM = inline_serializer(
    "TrashItem",
    fields={
        "kind": serializers.ChoiceField(choices=KIND_CHOICES),
        "id": serializers.CharField(),
        "label": serializers.CharField(),
        "deletedAt": serializers.DateTimeField(),
        "deletedBy": serializers.CharField(),
        "restorableUntil": serializers.DateTimeField(),
    },
)
TRASH_LIST = inline_serializer("TrashList", fields={"data": TRASH_ITEM.__class__(many=True)})
TRASH_ENVELOPE = inline_serializer("TrashItemEnvelope", fields={"data": TRASH_ITEM})


class TrashInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    id = serializers.CharField(max_length=100, help_text="the row's id; for a result, its job's id")


def _allowed(request: Request, kind: TrashKind) -> ApiKey:
    api_key = request_api_key(request)
    if not api_key.has_role(ROLE_NEEDED[kind]):
        raise PermissionDenied(f"deleting or restoring a {kind.value} needs the {ROLE_NEEDED[kind]} role")
    if kind in ORGANIZATION_WIDE and api_key.project_only:
        raise PermissionDenied(f"a key limited to one project cannot delete or restore a {kind.value}")
    return api_key


def _item(request: Request, kind: TrashKind, object_id: Any) -> Any:
    api_key = _allowed(request, kind)
    obj = trash_lookup(
        kind=kind,
        organization_id=api_key.organization_id,
        object_id=object_id,
        project_id=api_key.project_scope_id(),
    )
    if obj is None:
        raise NotFound(f"No {kind.value} with that id.")
    return obj


def _item_data(kind: TrashKind, obj: Any) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "id": str(obj.job_id if kind == TrashKind.RESULT else obj.pk),
        "deletedAt": obj.deleted_at.isoformat() if obj.deleted_at else None,
        "deletedBy": obj.deleted_by,
        "restorableUntil": obj.restorable_until.isoformat() if obj.restorable_until else None,
    }


class TrashListApi(APIView):
    scope_family = "trash"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="trash_list", responses={200: TRASH_LIST})
    def get(self, request: Request) -> Response:
        api_key = request_api_key(request)
        items = trash_items(organization=api_key.organization, project_id=api_key.project_scope_id())
        return Response({"data": [item.as_dict() for item in items]})

    @extend_schema(
        operation_id="trash_put",
        request=TrashInputSerializer,
        responses={200: TRASH_ENVELOPE},
        description="Move a row to the trash: hidden at once, restorable until `restorableUntil`, purged after.",
    )
    def post(self, request: Request) -> Response:
        body = TrashInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind = TrashKind(body.validated_data["kind"])
        obj = _item(request, kind, body.validated_data["id"])
        trash_put(kind=kind, obj=obj, by=request_actor(request))
        return Response({"data": _item_data(kind, obj)})


class TrashRestoreApi(APIView):
    scope_family = "trash"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(
        operation_id="trash_restore",
        request=None,
        responses={200: TRASH_ENVELOPE},
        description="Restore a row from the trash; 410 `restore_window_closed` once its grace period has ended.",
    )
    def post(self, request: Request, kind: str, object_id: str) -> Response:
        if kind not in TrashKind._value2member_map_:
            raise NotFound(f"No kind {kind!r}; one of {', '.join(k.value for k in TrashKind)}.")
        trash_kind = TrashKind(kind)
        obj = _item(request, trash_kind, object_id)
        try:
            restored = trash_restore(kind=trash_kind, obj=obj)
        except RestoreWindowClosed as exc:
            raise ApiError(str(exc), code="restore_window_closed", status_code=410) from exc
        if not restored:
            raise ApiError(f"That {kind} is not in the trash.", code="invalid_state", status_code=409)
        return Response({"data": _item_data(trash_kind, obj)})
