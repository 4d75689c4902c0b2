"""Every API operation fuzzed from its own OpenAPI schema (Schemathesis):
no answer may be a 5xx, and every answer must match the schema it documents.

A real gunicorn and a worker (the detailed health check answers 503 when no
worker answers, as a load balancer needs) against the database; the key is
an admin's, so the operations run rather than stop at 403.

    python -m beacon.runtime bench -- .venv/bin/python bench/api_fuzz.py [--max-examples 25]
"""

import argparse
import subprocess
import sys
import time

import httpx
from stack import BASE_DIR, OPS_TOKEN, api_key, celery_worker, gunicorn, processes, setup_django, wait_http

from beacon.runtime.servers import free_port


def worker_ready(base: str, timeout: float = 90) -> None:
    """Until the worker answers the detailed health check (it loads models first)."""
    deadline = time.monotonic() + timeout
    operator = {"Authorization": f"Bearer {OPS_TOKEN}"}
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/api/v1/health/detailed", headers=operator).status_code == 200:
            return
        time.sleep(1)
    sys.exit("the worker did not come up")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25, help="generated cases per operation")
    args = parser.parse_args()
    setup_django()
    key = api_key(role="admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with processes(gunicorn(port), celery_worker()):
        wait_http(f"{base}/api/v1/health")
        worker_ready(base)
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{base}/api/v1/schema",
            "--header",
            f"Authorization: Bearer {key}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            str(args.max_examples),
            "--seed",
            "1",
            "--no-color",
        ]
        code = subprocess.call(command, cwd=BASE_DIR)
    sys.exit(code)


if __name__ == "__main__":
    main()
