"""`GET /metrics`: Prometheus text format.

Two parts: Beacon's own collectors (jobs, queues, model calls, breakers,
validation, review, SLAs; read at scrape time from PostgreSQL, Redis and the
broker, so any web process answers for all), and django-prometheus's HTTP
metrics (requests, latency and responses per view and status: RED per
endpoint). Those are counted in each web process; with several gunicorn
workers set PROMETHEUS_MULTIPROC_DIR (an empty directory shared by them) and
the scrape sums all workers.
"""

import os
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client import REGISTRY as PROCESS_REGISTRY

from beacon.ops import ops_token_valid
from common.api import error_body
from evals.injection_monitor import InjectionCollector
from jobs.metrics import JobsCollector, ModelCallCollector, QueueCollector, ValidationCollector
from llm.metrics import BreakerCollector
from review.metrics import ReviewCollector

REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(BreakerCollector())
REGISTRY.register(ValidationCollector())
REGISTRY.register(ReviewCollector())
REGISTRY.register(JobsCollector())
REGISTRY.register(QueueCollector())
REGISTRY.register(ModelCallCollector())
REGISTRY.register(InjectionCollector())


def _http_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return PROCESS_REGISTRY


# Beacon's collectors aggregate tables: one scrape's answer serves the
# scrapes of the next few seconds (Prometheus scrapes every 15 s; several
# Prometheus replicas, or a scrape loop, cost no more).
_cached: tuple[float, bytes] | None = None


def _beacon_metrics() -> bytes:
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] >= settings.BEACON_METRICS_CACHE_SECONDS:
        _cached = (now, generate_latest(REGISTRY))
    return _cached[1]


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not ops_token_valid(request):
        # Not found rather than forbidden: the endpoint does not announce itself.
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    body = _beacon_metrics() + generate_latest(_http_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
