"""`python -m beacon.runtime run|test|services`.

run       the whole stack on embedded defaults (what `make run` calls)
bench     like test, with durable commits, for bench/ scripts
test      start embedded servers when DATABASE_URL / REDIS_URL are unset, then
          run the command after `--` (pytest) against them
services  only the embedded servers, until Ctrl-C (for a debugger or shell)
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from beacon.runtime.servers import EmbeddedPostgres, EmbeddedRedis, remove_file, tool, write_services_env

BASE_DIR = Path(__file__).resolve().parents[2]
DEMO_REQUEST = json.dumps(
    {
        "templateId": "metadata_enrichment",
        "parameters": {"content": "Blue cotton shirt by Acme, size M", "locale": "en-US"},
    }
)


def _runtime_dir() -> Path:
    return Path(os.environ.get("BEACON_RUNTIME_DIR", BASE_DIR / ".beacon"))


def _start_servers(root: Path, *, test: bool) -> tuple[dict[str, str], list[object]]:
    """Start what the environment does not provide; return env values and handles."""
    env: dict[str, str] = {}
    started: list[object] = []
    if not os.environ.get("DATABASE_URL"):
        postgres = EmbeddedPostgres(root / "pg")
        env["DATABASE_URL"] = postgres.start(fast_commit=test)
        started.append(postgres)
        print(f"embedded PostgreSQL: {env['DATABASE_URL']}", flush=True)
    if not os.environ.get("REDIS_URL"):
        redis = EmbeddedRedis(root / "redis")
        env["REDIS_URL"] = redis.start(persistent=not test)
        started.append(redis)
        print(f"embedded Redis: {env['REDIS_URL']}", flush=True)
    return env, started


def _stop(started: list[object]) -> None:
    for server in reversed(started):
        server.stop()  # type: ignore[attr-defined]


def _manage(*args: str, env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        cwd=BASE_DIR,
    )
    return result.stdout or ""


def command_test(argv: list[str], *, bench: bool = False) -> int:
    # Benchmarks keep durable commits so their figures hold for production.
    root = _runtime_dir() / ("bench" if bench else "test")
    values, started = _start_servers(root, test=not bench)
    env = {**os.environ, **values, "BEACON_RUNTIME_DIR": str(root)}
    if not bench:
        # The suite's own settings (beacon/settings/test.py): importing beacon
        # (its Celery app) set the default module in this process's environment,
        # which pytest-django would otherwise prefer to pyproject.toml's.
        env["DJANGO_SETTINGS_MODULE"] = "beacon.settings.test"
    try:
        return subprocess.run(argv or [sys.executable, "-m", "pytest"], env=env, cwd=BASE_DIR).returncode
    finally:
        _stop(started)


def command_services() -> int:
    root = _runtime_dir()
    values, started = _start_servers(root, test=False)
    services_env = root / "services.env"
    write_services_env(services_env, values)
    print("embedded servers running; Ctrl-C stops them", flush=True)
    try:
        import signal

        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        remove_file(services_env)
        _stop(started)
    return 0


def command_run() -> int:
    from honcho.manager import Manager
    from honcho.printer import Printer

    root = _runtime_dir()
    values, started = _start_servers(root, test=False)
    services_env = root / "services.env"
    if values:
        write_services_env(services_env, values)
    env = {**os.environ, **values, "PYTHONUNBUFFERED": "1"}
    # The operator token for /metrics and the detailed health check, new for
    # each run unless one is set (beacon/ops.py).
    env.setdefault("BEACON_OPS_TOKEN", secrets.token_urlsafe(24))
    port = env.get("PORT", "8000")
    flower_port = env.get("FLOWER_PORT", "5555")
    try:
        _manage("migrate", "--noinput", env=env)
        _manage("collectstatic", "--noinput", "-v", "0", env=env)
        demo = json.loads(_manage("demo_seed", "--runtime-dir", str(root), env=env, capture=True))

        manager = Manager(Printer(sys.stdout))
        python = sys.executable
        background = f"{python} -m beacon.runtime.background"
        if env.get("LLM_PROVIDER", "local") == "local" and not env.get("LLM_API_BASE"):
            # The model server takes both cores while it answers; as
            # background work (beacon/runtime/background.py) the web tier's
            # acknowledgements still come first.
            # llama-cpp-python's server also reads PORT and HOST from the
            # environment, over its own flags: PORT is the web tier's.
            model_env = {key: value for key, value in env.items() if key not in ("PORT", "HOST")}
            manager.add_process("model", f"{background} {python} manage.py llm_serve", env=model_env, cwd=str(BASE_DIR))
        manager.add_process(
            "web",
            f"{tool('gunicorn')} beacon.asgi -b 127.0.0.1:{port} -k uvicorn_worker.UvicornWorker -w 2 "
            "--keep-alive 75 --access-logfile - --graceful-timeout 10",
            env=env,
            cwd=str(BASE_DIR),
        )
        # Workers run as background work: on shared cores the web tier's
        # acknowledgements come before stage work (docs/benchmarks.md).
        celery = f"{background} {tool('celery')}"
        manager.add_process(
            "worker",
            f"{celery} -A beacon worker -Q default,webhooks -c 2 -n default@%h -O fair",
            env=env,
            cwd=str(BASE_DIR),
        )
        manager.add_process(
            "worker-llm", f"{celery} -A beacon worker -Q llm,gpu -c 1 -n llm@%h", env=env, cwd=str(BASE_DIR)
        )
        manager.add_process(
            "beat", f"{tool('celery')} -A beacon beat -s {root / 'celerybeat-schedule'}", env=env, cwd=str(BASE_DIR)
        )
        manager.add_process(
            "flower",
            f"{tool('celery')} -A beacon flower --address=127.0.0.1 --port={flower_port}",
            env=env,
            cwd=str(BASE_DIR),
        )
        base = f"http://127.0.0.1:{port}"
        banner = [
            "",
            "Beacon is starting. Ctrl-C stops everything.",
            f"  API          {base}/api/v1/generations",
            f"  Swagger UI   {base}/api/docs",
            f"  OpenAPI      {base}/api/v1/schema",
            f"  Admin        {base}/admin/   (user {demo['adminUser']}, password {demo['adminPassword']})",
            f"  Studio       {base}/studio/   (the same user; quality: {base}/studio/quality/)",
            f"  Flower       http://127.0.0.1:{flower_port}/",
            f"  Metrics      {base}/metrics   (Authorization: Bearer {env['BEACON_OPS_TOKEN']})",
            f"  Demo API key {demo['apiKey']}",
            "",
            "Try:",
            f"  curl -s -X POST {base}/api/v1/generations -H 'Authorization: Bearer {demo['apiKey']}' \\",
            "    -H 'Content-Type: application/json' \\",
            "    -d '" + DEMO_REQUEST + "'",
            "",
        ]
        print("\n".join(banner), flush=True)
        manager.loop()
        return manager.returncode or 0
    finally:
        remove_file(services_env)
        _stop(started)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m beacon.runtime")
    parser.add_argument("command", choices=["run", "test", "bench", "services"])
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    if args.command == "run":
        return command_run()
    if args.command in ("test", "bench"):
        return command_test(rest, bench=args.command == "bench")
    return command_services()


if __name__ == "__main__":
    sys.exit(main())
