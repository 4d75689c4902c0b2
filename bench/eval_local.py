"""Evaluation runs on the local model: the stack an `eval run` needs (the
model server, a worker for the stage queue and one for the model queue, as
in docker/compose.yaml), then `manage.py eval run` with the given arguments.

    python -m beacon.runtime bench -- .venv/bin/python bench/eval_local.py \
        --dataset golden --template production --sample 200 --report test-output/golden.html

The datasets must be imported first (`manage.py eval import ...`, see
docs/evaluation.md). An interrupted run resumes with `--resume RUN_ID`.
"""

import signal
import subprocess
import sys
import time

from stack import BACKGROUND, BASE_DIR, celery_worker, processes, setup_django, wait_http

LLM_PORT = 8795


def main() -> None:
    # Stopped with SIGTERM, still stop the stack it started (the `finally` in processes()).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    setup_django()
    base = f"http://127.0.0.1:{LLM_PORT}/v1"
    server = [*BACKGROUND, sys.executable, "manage.py", "llm_serve", "--port", str(LLM_PORT)]
    env = {"LLM_PROVIDER": "local", "LLM_API_BASE": base}
    started = time.monotonic()
    with processes(server, celery_worker(2, queues="default"), celery_worker(1, queues="llm"), **env):
        wait_http(f"{base}/models", timeout=180)
        code = subprocess.call([sys.executable, "manage.py", "eval", "run", *sys.argv[1:]], cwd=BASE_DIR)
    print(f"wall time {(time.monotonic() - started) / 60:.1f} min", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
