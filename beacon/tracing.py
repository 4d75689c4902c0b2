"""OpenTelemetry traces across the API and the Celery stages, off by default.

Set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://otel-collector:4318) and every
web request, Celery task, PostgreSQL query and outgoing HTTP call (model
providers, webhooks) becomes a span, exported by OTLP over HTTP; trace
context rides from the request into the tasks it publishes, so one trace
shows a job's whole journey. The official instrumentations do the work:
Django, Celery, psycopg and httpx. Without the variable nothing is imported.
"""

import os

INSTRUMENTED: list[object] = []


def tracing_setup(service: str) -> bool:
    """Install the tracer and the instrumentations; False when not configured.
    Call before Django builds its middleware (web) or in each forked worker
    process (the span exporter's thread does not survive a fork)."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or INSTRUMENTED:
        return bool(INSTRUMENTED)
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service)}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))  # endpoint from the environment
    trace.set_tracer_provider(provider)
    for instrumentor in (DjangoInstrumentor(), CeleryInstrumentor(), PsycopgInstrumentor(), HTTPXClientInstrumentor()):
        instrumentor.instrument()
        INSTRUMENTED.append(instrumentor)
    return True


def tracing_teardown() -> None:
    """Undo tracing_setup (tests)."""
    while INSTRUMENTED:
        INSTRUMENTED.pop().uninstrument()  # type: ignore[attr-defined]
