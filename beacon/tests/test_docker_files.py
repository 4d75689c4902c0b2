"""docker/ cannot run here (no container runtime), so its files are checked
for what can go wrong without one: every service has a health check, images
are pinned, and every file a service mounts or runs exists."""

from pathlib import Path

import yaml
from django.conf import settings

DOCKER = Path(settings.BASE_DIR) / "docker"


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def test_every_service_has_a_health_check_and_a_pinned_image():
    services = compose()["services"]
    expected = {"postgres", "redis", "migrate", "web", "worker-default", "worker-llm", "worker-webhooks", "worker-gpu",
                "vllm", "beat", "flower", "prometheus", "grafana"}  # fmt: skip
    assert expected <= set(services)
    for name, service in services.items():
        assert "healthcheck" in service, name
        image = service.get("image")
        if image:
            tag = image.rsplit(":", 1)[-1]
            assert ":" in image and tag != "latest" and any(c.isdigit() for c in tag), (name, image)
    assert set(services["vllm"]["profiles"]) == {"gpu"} and set(services["worker-gpu"]["profiles"]) == {"gpu"}


def test_every_queue_has_a_worker_and_mounted_files_exist():
    services = compose()["services"]
    queues = set()
    for service in services.values():
        command = service.get("command") or []
        if isinstance(command, list) and "-Q" in command:
            queues |= set(command[command.index("-Q") + 1].split(","))
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DOCKER / source).exists(), volume
    assert queues == set(settings.BEACON_QUEUES)
    assert (DOCKER / "gunicorn.conf.py").exists() and (DOCKER / "Dockerfile").read_text().count(
        "FROM python:3.11."
    ) == 2
    assert "USER beacon" in (DOCKER / "Dockerfile").read_text()  # not root


# Variables the compose services set that Beacon's settings do not read
# themselves, and who does.
READ_ELSEWHERE = {
    "OPENAI_API_KEY": "LiteLLM",
    "ANTHROPIC_API_KEY": "LiteLLM",
    "VLLM_API_BASE": "llm/deployments.yaml",
    "OTEL_SERVICE_NAME": "OpenTelemetry",
    "PROMETHEUS_MULTIPROC_DIR": "prometheus_client",
}


def _service_environment(service: dict) -> dict[str, str]:
    """The environment compose gives a service, with each required
    `${NAME:?...}` filled in and each `${NAME:-default}` at its default."""
    import re

    resolved = {}
    for name, value in (service.get("environment") or {}).items():
        text = str(value)
        text = re.sub(r"\$\{([A-Z_]+):\?[^}]*\}", lambda m: f"set-{m.group(1).lower()}", text)
        text = re.sub(r"\$\{([A-Z_]+):-([^}]*)\}", lambda m: m.group(2), text)
        resolved[name] = text
    return resolved


def test_every_variable_a_compose_service_sets_is_read_and_the_settings_load_with_them():
    import json
    import os
    import re
    import subprocess
    import sys

    settings_text = "\n".join(
        path.read_text() for path in (Path(settings.BASE_DIR) / "beacon" / "settings").glob("*.py")
    )
    read = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z_][A-Z0-9_]*)["']""", settings_text))
    read |= set(re.findall(r"""os\.environ(?:\.get)?\(\s*["']([A-Z_][A-Z0-9_]*)["']""", settings_text))
    services = compose()["services"]
    beacon_services = [
        name for name, service in services.items() if "DATABASE_URL" in (service.get("environment") or {})
    ]
    assert {"web", "worker-default", "beat", "flower", "migrate"} <= set(beacon_services)
    for name in beacon_services:
        environment = _service_environment(services[name])
        unread = {var for var in environment if var not in read and var not in READ_ELSEWHERE}
        unread -= {"OTEL_EXPORTER_OTLP_ENDPOINT"}  # read by beacon/tracing.py
        assert not unread, (name, sorted(unread))
        # Exactly that environment (no DJANGO_SETTINGS_MODULE of the suite's).
        probe = (
            "import django, json; from django.conf import settings; django.setup(); "
            "print(json.dumps({'hosts': settings.ALLOWED_HOSTS, 'key': settings.SECRET_KEY, "
            "'ops': settings.BEACON_OPS_TOKEN, 'production': settings.PRODUCTION, "
            "'secure': [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, "
            "settings.SECURE_HSTS_SECONDS > 0]}))"
        )
        env = {**environment, "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "beacon.settings"}
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (name, done.stderr[-2000:])
        loaded = json.loads(done.stdout.strip().splitlines()[-1])
        assert loaded["production"] and loaded["key"] == "set-django_secret_key", name
        assert "web" in loaded["hosts"] and loaded["ops"], name  # Prometheus reaches the web by name
        assert all(loaded["secure"]), name  # secure cookies, HTTPS redirect, HSTS


def test_production_settings_refuse_to_start_without_a_secret_key():
    import os
    import subprocess
    import sys

    env = {"PATH": os.environ["PATH"], "BEACON_ENV": "production", "BEACON_ENCRYPTION_KEYS": "x" * 44}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "beacon.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "DJANGO_SECRET_KEY" in done.stderr


def test_local_runs_get_a_random_key_of_their_own_not_a_public_default(tmp_path):
    import os
    import subprocess
    import sys

    probe = "import django; from django.conf import settings; django.setup(); print(settings.SECRET_KEY)"
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "beacon.settings", "BEACON_RUNTIME_DIR": str(tmp_path)}
    first, second = (
        subprocess.run([sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
        for _ in range(2)
    )
    key = first.stdout.strip().splitlines()[-1]
    assert len(key) >= 50 and second.stdout.strip().splitlines()[-1] == key  # one key per checkout
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
