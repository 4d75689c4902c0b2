"""gunicorn settings for the web container (docker/compose.yaml)."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))  # sync mode and SSE streams hold a thread while they wait
timeout = 150  # above the longest sync wait (120 s)
accesslog = None  # the API logs its own JSON lines


def child_exit(server: object, worker: object) -> None:
    # HTTP metrics are counted per process in PROMETHEUS_MULTIPROC_DIR; a dead
    # worker's live gauges must go (prometheus_client's multiprocess mode).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
