"""Every API operation fuzzed from its own OpenAPI schema by Schemathesis,
against a live server and a real worker: no 5xx, answers match the schema.
bench/api_fuzz.py runs the same with more cases per operation."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from beacon.testing import wait_for
from tenants.models import Role

pytestmark = [pytest.mark.slow]

# Seed 1 covers 10 links here; the run before beacon/openapi.py's links and the
# example request covered none. The count moves with the link table itself
# (renaming the links gave 1 at the same seed), so the bar is "some".
LINKS_COVERED_AT_LEAST = 1
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def test_no_operation_answers_5xx_or_outside_its_schema(
    live_server, start_worker, org_factory, client, scripted, settings
):
    start_worker(LLM_PROVIDER="scripted")
    _, key = org_factory("fuzz", Role.ADMIN)
    operator = {"HTTP_AUTHORIZATION": f"Bearer {settings.BEACON_OPS_TOKEN}"}  # the detailed health is operators'
    wait_for(lambda: client.get("/api/v1/health/detailed", **operator).status_code == 200, 90, message="a worker")
    base = [sys.executable, "-m", "schemathesis.cli", "run", f"{live_server.url}/api/v1/schema",
            "--header", f"Authorization: Bearer {key}", "--checks", "not_a_server_error,response_schema_conformance",
            "--seed", "1", "--no-color"]  # fmt: skip
    # Every phase (examples, coverage, fuzzing with positive and negative
    # data, stateful), a few cases per operation.
    result = subprocess.run([*base, "--max-examples", "5"], capture_output=True, text=True, timeout=600)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "schemathesis.txt").write_text(result.stdout)  # the whole report; the assertion shows its end
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Tested:" in result.stdout
    # The stateful phase again, longer: chains of calls that follow the
    # OpenAPI links (beacon/openapi.py) from what a POST created.
    stateful = subprocess.run(
        [*base, "--phases", "stateful", "--max-examples", "40"], capture_output=True, text=True, timeout=600
    )
    assert stateful.returncode == 0, stateful.stdout[-4000:]
    covered = re.search(r"API Links:\s+(\d+) covered", stateful.stdout)
    print(covered.group(0) if covered else "no link count")
    assert covered and int(covered.group(1)) >= LINKS_COVERED_AT_LEAST, stateful.stdout[-4000:]
