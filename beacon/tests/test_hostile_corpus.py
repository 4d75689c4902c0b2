"""A hostile-input corpus against every operation of the OpenAPI document:
deep nesting, huge strings, odd Unicode (NUL, lone surrogates, direction
overrides), numbers at the edges, malformed path ids and query values.
Whatever the answer, it is never a 5xx."""

import json
from typing import Any

import pytest
import yaml

from beacon.testing import client_for, generation_body
from tenants.models import Role

DEEP = "[" * 5000 + "]" * 5000
HOSTILE_STRINGS = [
    "\u0000",
    "nul\u0000inside",
    "\ud800",
    "\u202e\u2066rtl",
    "\ufeff\u200b",
    "💥" * 2000,
    "x" * 300_000,
    "../../etc/passwd",
    "%00%ff",
    "' OR 1=1 --",
    "{{ 7 * 7 }}",
]
HOSTILE_NUMBERS = [0, -1, -0.0, 2**63, 2**64, -(2**63) - 1, 1e308, 10**400, 0.1e-320]
# A URL cannot carry a lone surrogate; everything else goes in queries too.
QUERY_VALUES = [v for v in HOSTILE_STRINGS if v != "\ud800"][:7] + [str(n) for n in HOSTILE_NUMBERS]
HOSTILE_VALUES: list[Any] = [*HOSTILE_STRINGS, *HOSTILE_NUMBERS, None, True, [], {}, [[[]]], {"a": {"b": {}}}]
PATH_IDS = ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "1" * 300, "-1", "0", "99999999999999999999"]


def _raw(value: Any) -> str:
    # json.dumps writes 1e400 as Infinity and a lone surrogate as \\ud800,
    # both of which a hostile client can send.
    return json.dumps(value, allow_nan=True)


def _bodies() -> list[str]:
    bodies = [DEEP, "{", "", "null", "[]", '"text"', "1e999", "NaN", _raw({"x": "\u0000"}), '{"a": "\\ud800"}']
    body = generation_body()
    for value in HOSTILE_VALUES:
        bodies.append(_raw({**body, "parameters": {**body["parameters"], "content": value}}))
        bodies.append(_raw({**body, "templateId": value}))
        bodies.append(_raw({**body, "options": {"maxTokens": value, "syncTimeoutSeconds": value, "priority": value}}))
        bodies.append(_raw({"name": value, "description": value, "url": value, "golden": value, "weights": value}))
    bodies.append(_raw({**body, "parameters": {**body["parameters"], "product": {"\u0000key": "v", "k" * 5000: 1}}}))
    return bodies


def _operations(client: Any) -> list[tuple[str, str, list[str]]]:
    schema = yaml.safe_load(client.get("/api/v1/schema").content)
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            queries = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            found.append((path, method, queries))
    return found


def _paths(path: str) -> list[str]:
    if "{" not in path:
        return [path]
    filled = []
    for value in PATH_IDS:
        parts = [value if part.startswith("{") else part for part in path.split("/")]
        filled.append("/".join(parts))
    return filled


@pytest.mark.django_db
def test_no_operation_answers_5xx_to_the_hostile_corpus(org_factory, scripted, settings):
    settings.BEACON_RATE_LIMITS = False  # thousands of requests in one test
    _, key = org_factory("hostile", Role.ADMIN)
    client = client_for(key)
    client.raise_request_exception = False  # a 500 is a finding to list, not the end of the run
    failures = []
    operations = _operations(client)
    assert len(operations) > 30
    bodies = _bodies()
    for path, method, queries in operations:
        for url in _paths(path):
            send = getattr(client, method)
            if method in ("post", "put", "patch"):
                for body in bodies:
                    response = send(url, data=body, content_type="application/json")
                    if response.status_code >= 500:
                        failures.append((method, url, body[:80], response.status_code))
            else:
                response = send(url)
                if response.status_code >= 500:
                    failures.append((method, url, "", response.status_code))
            for name in queries:
                for value in QUERY_VALUES:
                    response = client.get(url, {name: value}) if method == "get" else None
                    if response is not None and response.status_code >= 500:
                        failures.append((method, url, f"?{name}={value[:20]!r}", response.status_code))
    assert not failures, sorted({(method, url, sent[:60], code) for method, url, sent, code in failures})[:40]
