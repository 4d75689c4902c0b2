"""gunicorn settings for the web container (docker/compose.yaml)."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_WORKERS", "2"))
# ASGI (beacon/asgi.py): streams and sync-mode waits wait on the event loop,
# not on a thread; ordinary views run on Django's per-request threads.
worker_class = "uvicorn_worker.UvicornWorker"
timeout = 30  # the arbiter's heartbeat, which the event loop answers while requests wait
# Idle keep-alive connections stay open longer than a load balancer's idle
# timeout (commonly 60 s): with gunicorn's default of 2 s, uvicorn closed
# connections a client was about to reuse, and the client saw resets.
keepalive = 75
accesslog = None  # the API logs its own JSON lines


def child_exit(server: object, worker: object) -> None:
    # HTTP metrics are counted per process in PROMETHEUS_MULTIPROC_DIR; a dead
    # worker's live gauges must go (prometheus_client's multiprocess mode).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
