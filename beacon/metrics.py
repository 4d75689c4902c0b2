"""`GET /metrics`: Prometheus text format from Beacon's own collectors."""

from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from llm.metrics import BreakerCollector
from review.metrics import ReviewCollector
from validation.metrics import ValidationCollector

REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(BreakerCollector())
REGISTRY.register(ValidationCollector())
REGISTRY.register(ReviewCollector())


def metrics_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
