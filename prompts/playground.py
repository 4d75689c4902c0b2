"""The playground of the templates API: render a version with sample
parameters (tokens and cost per tier), run it against the model, and keep
the runs as the organization's tests; golden ones gate activation."""

import time
from typing import Any
from uuid import UUID

import redis
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from common.api import ApiError
from common.redis_client import redis_client
from llm.errors import ModelError
from prompts.api import _template, _valid
from prompts.models import TemplateTest
from prompts.preview import preview_render
from prompts.selectors import tests_of
from tenants.authentication import request_actor, request_api_key
from tenants.permissions import IsEditor, ReadViewerWriteEditor
from tenants.rate_limits import ApiKeyRateThrottle


class PreviewSerializer(serializers.Serializer):
    parameters = serializers.DictField()
    templateVersion = serializers.CharField(required=False, max_length=64)
    execute = serializers.BooleanField(default=False)


def test_data(test: TemplateTest) -> dict[str, Any]:
    return {
        "id": str(test.id),
        "version": test.version.version,
        "parameters": test.parameters,
        "valid": test.valid,
        "golden": test.golden,
        "output": test.output,
        "validation": test.validation,
        "deployment": test.deployment,
        "costUsd": f"{test.cost_usd:.8f}",
        "latencyMs": test.latency_ms,
        "createdBy": test.created_by,
        "createdAt": test.created_at.isoformat(),
    }


class GoldenSerializer(serializers.Serializer):
    golden = serializers.BooleanField()


class TemplateTestListApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="template_tests_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, template_id: UUID) -> Response:
        organization_id = request_api_key(request).organization_id
        tests = tests_of(template=_template(request, template_id), organization_id=organization_id)
        tests = tests.select_related("version")[:200]
        return Response({"data": [test_data(t) for t in tests]})


class TemplateTestDetailApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(operation_id="template_tests_update", request=GoldenSerializer, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request: Request, template_id: UUID, test_id: UUID) -> Response:
        template = _template(request, template_id, write=True)
        tests = tests_of(template=template, organization_id=request_api_key(request).organization_id)
        test = tests.filter(pk=test_id).first()
        if test is None:
            raise NotFound()
        golden = _valid(GoldenSerializer, request.data)["golden"]
        if golden and not test.valid:
            raise ApiError("Only a test whose output validated can be golden.", code="invalid_state", status_code=409)
        test.golden = golden
        test.save(update_fields=["golden"])
        return Response({"data": test_data(test)})


class TemplateTestThrottle(BaseThrottle):
    """BEACON_TEMPLATE_TEST_RATE per API key, counted in Redis so that every
    web process shares one count (DRF's own throttles count in the process's
    local cache). Redis down: not counted, as for the API-wide limit."""

    def __init__(self) -> None:
        count, period = settings.BEACON_TEMPLATE_TEST_RATE.split("/")  # "30/min", DRF's rate syntax
        self.num_requests = int(count)
        self.duration = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]

    def allow_request(self, request: Request, view: Any) -> bool:
        window = int(time.time() // self.duration)
        key = f"beacon:rate:template-test:{request_api_key(request).id}:{window}"
        try:
            pipe = redis_client().pipeline()
            pipe.incr(key)
            pipe.expire(key, self.duration + 1)
            count = int(pipe.execute()[0])
        except redis.RedisError:
            return True
        self._wait = self.duration - time.time() % self.duration
        return count <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class TemplateTestApi(APIView):
    scope_family = "templates"
    permission_classes = [IsEditor]
    throttle_classes = [ApiKeyRateThrottle, TemplateTestThrottle]

    @extend_schema(operation_id="templates_test", request=PreviewSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, template_id: UUID) -> Response:
        template = _template(request, template_id)
        data = _valid(PreviewSerializer, request.data)
        try:
            result = preview_render(
                template=template,
                selector=data.get("templateVersion"),
                parameters=data["parameters"],
                execute=data["execute"],
                organization_id=request_api_key(request).organization_id,
                created_by=request_actor(request),
            )
        except ModelError as exc:
            raise ApiError(f"The model call failed: {exc.code}.", code=exc.code, status_code=502) from exc
        return Response({"data": result})
