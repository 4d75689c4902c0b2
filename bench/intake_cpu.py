"""CPU of one acknowledgement, in process, and where it goes.

Posts metadata_enrichment submissions through Django's test client (the
whole middleware stack, authentication, checks, the job's transaction, the
publish and the audit row; no HTTP server) and times the request and its
main parts with the thread's CPU clock. The API key cache
(BEACON_API_KEY_CACHE_SECONDS) is switched off and on in alternating rounds,
so the two figures come from the same minutes of this shared machine.

    python -m beacon.runtime bench -- .venv/bin/python bench/intake_cpu.py [--requests 300] [--rounds 3]
"""

import argparse
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from stack import api_key, setup_django

PARTS: dict[str, list[float]] = defaultdict(list)


def timed(module: Any, name: str, label: str) -> None:
    """Replace module.name by a wrapper that records its thread CPU in PARTS[label]."""
    function: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            PARTS[label].append((time.thread_time() - started) * 1000)

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="submissions per round and setting")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.test import Client

    import jobs.api
    import jobs.services.publishing
    import jobs.services.submission
    import tenants.audit.writing
    import tenants.authentication

    timed(tenants.authentication, "api_key_authenticate", "authentication")
    timed(jobs.api, "generation_check", "request checks")
    timed(jobs.services.submission, "_job_create", "job rows")
    timed(jobs.services.publishing, "stage_message_send", "publish")
    timed(tenants.audit.writing, "audit_request_write", "audit row")

    raw = api_key()
    client = Client()
    counter = iter(range(10**9))

    def post() -> float:
        body = {
            "templateId": "metadata_enrichment",
            "parameters": {"content": f"Blue cotton shirt {next(counter)} by Acme, size M.", "locale": "en-US"},
        }
        started = time.thread_time()
        response = client.post(
            "/api/v1/generations", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
        assert response.status_code == 202, response.content
        return (time.thread_time() - started) * 1000

    for _ in range(50):  # imports, connections and caches warm
        post()
    settings_by_name = {"key read every request": 0, "key cache on": 30}
    whole: dict[str, list[float]] = {name: [] for name in settings_by_name}
    parts: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in settings_by_name}
    for _ in range(args.rounds):
        for name, seconds in settings_by_name.items():
            settings.BEACON_API_KEY_CACHE_SECONDS = seconds
            post()
            PARTS.clear()
            whole[name].extend(post() for _ in range(args.requests))
            for part, values in PARTS.items():
                parts[name][part].extend(values)
    print(f"CPU per acknowledgement, in process, {args.rounds} rounds x {args.requests} submissions (medians, ms)")
    names = list(settings_by_name)
    print("| part | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for part in parts[names[0]]:
        print(f"| {part} | " + " | ".join(f"{statistics.median(parts[n][part]):.2f}" for n in names) + " |")
    print("| **whole request** | " + " | ".join(f"**{statistics.median(whole[n]):.2f}**" for n in names) + " |")
    ratio = statistics.median(whole[names[1]]) / statistics.median(whole[names[0]])
    print(f"cache on / off: x{ratio:.2f}")


if __name__ == "__main__":
    main()
