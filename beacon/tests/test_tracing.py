"""Traces: off by default; when configured, spans go out by OTLP/HTTP."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest
from opentelemetry import trace

from beacon.tracing import INSTRUMENTED, tracing_setup, tracing_teardown


class Collector(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        Collector.paths.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_tracing_is_off_without_an_endpoint(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert tracing_setup("beacon-test") is False and INSTRUMENTED == []


@pytest.mark.django_db
def test_spans_of_requests_and_outgoing_calls_are_exported_by_otlp(monkeypatch, client):
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    Collector.paths = []
    try:
        assert tracing_setup("beacon-test") is True
        with trace.get_tracer("beacon.test").start_as_current_span("job"):
            httpx.get(f"http://127.0.0.1:{server.server_port}/ping")  # an instrumented outgoing call
        trace.get_tracer_provider().force_flush()  # type: ignore[attr-defined]
        assert "/v1/traces" in Collector.paths
    finally:
        tracing_teardown()
        server.shutdown()
