"""Health endpoints: a cheap public liveness check, and a deep one for
platform operators (beacon/ops.py) that says which part is down but not
its host names, addresses or exception text."""

import time
from collections import Counter
from typing import Any

import httpx
import redis
from django.conf import settings
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from beacon.ops import IsOperator


class HealthApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        operation_id="health",
        responses={200: inline_serializer("Health", {"status": serializers.CharField()})},
    )
    def get(self, request: Request) -> Response:
        # Deliberately touches nothing: load balancers call this constantly.
        return Response({"status": "ok"})


def _timed(check: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # a health check reports failures, it never raises
        # The class only: an exception's text can name hosts, ports and users.
        detail, ok = f"unavailable ({type(exc).__name__})", False
    return {"ok": ok, "latencyMs": round((time.monotonic() - started) * 1000, 1), "detail": detail}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "reachable"


def _redis() -> str:
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    return "reachable"


def _workers() -> dict[str, Any]:
    from beacon.celery import app

    replies = app.control.ping(timeout=1.0) or []
    names = sorted(name for reply in replies for name in reply)
    if not names:
        raise RuntimeError("no Celery worker answered within 1 s")
    # Counted by queue, not named: a worker's name holds its host name.
    return {"count": len(names), "byQueue": dict(Counter(name.split("@", 1)[0] for name in names))}


def _model_server() -> str:
    if settings.LLM_PROVIDER == "scripted":
        return "scripted provider (no server)"
    response = httpx.get(settings.LLM_API_BASE.rstrip("/") + "/models", timeout=2.0)
    response.raise_for_status()
    return "reachable"


def _breakers() -> dict[str, Any]:
    """Each deployment's circuit breaker; an open one degrades but does not fail health
    (routing falls back), so this check is informational."""
    from llm.breaker import breaker_state
    from llm.registry import registry

    return {d.name: {"tier": d.tier, "queue": d.queue, **breaker_state(d.name)} for d in registry().enabled()}


_DETAILED = inline_serializer("HealthDetailed", {"status": serializers.CharField(), "checks": serializers.DictField()})


class HealthDetailedApi(APIView):
    # The operator token, not a tenant's key (an API key in the header would
    # fail authentication before the permission is asked).
    authentication_classes: list[Any] = []
    permission_classes = [IsOperator]

    @extend_schema(operation_id="health_detailed", responses={200: _DETAILED, 503: _DETAILED})
    def get(self, request: Request) -> Response:
        checks = {
            "database": _timed(_database),
            "redis": _timed(_redis),
            "workers": _timed(_workers),
            "modelServer": _timed(_model_server),
        }
        healthy = all(check["ok"] for check in checks.values())
        checks["breakers"] = _timed(_breakers)
        return Response({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)
