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
