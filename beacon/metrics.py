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

from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client import REGISTRY as PROCESS_REGISTRY

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


def _http_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return PROCESS_REGISTRY


def metrics_view(request: HttpRequest) -> HttpResponse:
    body = generate_latest(REGISTRY) + generate_latest(_http_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
