"""Every API operation fuzzed from its own OpenAPI schema by Schemathesis,
against a live server and a real worker: no 5xx, answers match the schema.
bench/api_fuzz.py runs the same with more cases per operation."""

import subprocess
import sys

import pytest

from beacon.testing import wait_for
from tenants.models import Role

pytestmark = [pytest.mark.slow]


def test_no_operation_answers_5xx_or_outside_its_schema(
    live_server, start_worker, org_factory, client, scripted, settings
):
    start_worker(LLM_PROVIDER="scripted")
    _, key = org_factory("fuzz", Role.ADMIN)
    operator = {"HTTP_AUTHORIZATION": f"Bearer {settings.BEACON_OPS_TOKEN}"}  # the detailed health is operators'
    wait_for(lambda: client.get("/api/v1/health/detailed", **operator).status_code == 200, 90, message="a worker")
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{live_server.url}/api/v1/schema",
         "--header", f"Authorization: Bearer {key}", "--checks", "not_a_server_error,response_schema_conformance",
         "--max-examples", "5", "--seed", "1", "--no-color"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Tested: 44" in result.stdout or "Tested:" in result.stdout
