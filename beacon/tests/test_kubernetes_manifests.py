"""deploy/kubernetes/ cannot be applied here (no cluster), so its manifests
are checked for what can go wrong before one: every object against the
Kubernetes API's own schema (kubernetes-validate, strict: unknown fields
fail) or against KEDA's (deploy/kubernetes/schemas/), and the properties the
design relies on: requests and limits, probes, one worker and one scaler per
queue, one beat, no secret written into a manifest, and kustomizations that
list every file."""

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from common.queues import with_high_queues

BASE_DIR = Path(settings.BASE_DIR)
DEPLOY = BASE_DIR / "deploy" / "kubernetes"
OVERLAYS = ("redis", "rabbitmq")
# The oldest Kubernetes release the manifests are written for, and the newest
# the validator knows: a field added after the one or removed by the other
# fails.
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.utils.latest_version())
KEDA_SCHEMAS = {
    "ScaledObject": "keda-scaledobject.schema.json",
    "TriggerAuthentication": "keda-triggerauthentication.schema.json",
}
# How each overlay's queue trigger names the queue it measures.
QUEUE_TRIGGERS = {"redis": ("redis", "listName"), "rabbitmq": ("rabbitmq", "queueName")}


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def manifest_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.yaml"))


def applied(overlay: str) -> list[dict[str, Any]]:
    """The objects `kubectl apply -k overlays/<overlay>` sends (before
    kustomize sets their namespace and image)."""
    objects: list[dict[str, Any]] = []
    folder = DEPLOY / "overlays" / overlay
    for entry in documents(folder / "kustomization.yaml")[0]["resources"]:
        path = (folder / entry).resolve()
        if path.is_dir():
            for name in documents(path / "kustomization.yaml")[0]["resources"]:
                objects += documents(path / name)
        else:
            objects += documents(path)
    return objects


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def pod_specs(objects: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job"):
            yield obj["metadata"]["name"], obj["spec"]["template"]["spec"]


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def example_secrets() -> dict[str, dict[str, str]]:
    return {doc["metadata"]["name"]: doc["stringData"] for doc in documents(DEPLOY / "secrets.example.yaml")}


def keda_validator(kind: str) -> Any:
    schema = json.loads((DEPLOY / "schemas" / KEDA_SCHEMAS[kind]).read_text())
    return jsonschema.Draft202012Validator(schema)


def schema_errors(doc: dict[str, Any]) -> list[str]:
    if doc["apiVersion"].startswith("keda.sh/"):
        return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in keda_validator(doc["kind"]).iter_errors(doc)]
    errors = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{version} {'.'.join(map(str, error.path))}: {error.message}")
    return errors


def test_every_object_validates_against_the_kubernetes_or_keda_schema():
    checked = 0
    for path in manifest_files():
        for doc in documents(path):
            if doc["kind"] == "Kustomization":
                continue  # kustomize's own file, checked below
            # A kind with no schema (a typo, a CRD not vendored) raises here.
            assert not schema_errors(doc), (path.relative_to(DEPLOY), doc["metadata"]["name"], schema_errors(doc))
            checked += 1
    assert checked >= 40


def test_the_schema_checks_refuse_a_broken_object():
    web = by_kind(documents(DEPLOY / "base" / "web.yaml"), "Deployment")["web"]
    typo = copy.deepcopy(web)
    typo["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    wrong_type = copy.deepcopy(web)
    wrong_type["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = "forty"
    assert schema_errors(typo) and schema_errors(wrong_type)
    scaler = by_kind(documents(DEPLOY / "overlays" / "redis" / "queue-scalers.yaml"), "ScaledObject")["worker-llm"]
    unquoted = copy.deepcopy(scaler)
    unquoted["spec"]["triggers"][0]["metadata"]["listLength"] = 8  # KEDA's metadata is strings only
    no_list = copy.deepcopy(scaler)
    del no_list["spec"]["triggers"][0]["metadata"]["listName"]
    assert schema_errors(unquoted) and schema_errors(no_list)
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        schema_errors({**web, "apiVersion": "apps/v1beta3"})


def test_kustomizations_list_every_file_and_no_secret():
    for kustomization in DEPLOY.rglob("kustomization.yaml"):
        folder = kustomization.parent
        listed = documents(kustomization)[0]["resources"]
        files = {entry for entry in listed if not (folder / entry).is_dir()}
        for entry in set(listed) - files:
            assert (folder / entry / "kustomization.yaml").exists(), (kustomization, entry)
        here = {path.name for path in folder.glob("*.yaml")} - {"kustomization.yaml"}
        assert files == here, (kustomization.relative_to(DEPLOY), sorted(files ^ here))
    for overlay in OVERLAYS:
        assert "../../base" in documents(DEPLOY / "overlays" / overlay / "kustomization.yaml")[0]["resources"]
        # Placeholders must never overwrite the real Secrets.
        assert not by_kind(applied(overlay), "Secret"), overlay


def test_every_container_has_requests_limits_a_pinned_image_and_probes_where_it_serves():
    for name, pod in pod_specs(applied("redis")):
        for container in containers(pod):
            where = (name, container["name"])
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), (where, bound)
            tag = container["image"].rsplit(":", 1)[-1]
            assert ":" in container["image"] and tag != "latest" and any(c.isdigit() for c in tag), where
            if container.get("ports"):  # it serves: the kubelet must see whether it answers
                assert "readinessProbe" in container and "livenessProbe" in container, where
            if any(port["name"] == "http" for port in container.get("ports", [])):
                assert container["readinessProbe"].get("httpGet"), where


@pytest.mark.django_db
def test_web_probes_ask_the_health_check_that_needs_no_token(client):
    web = by_kind(applied("redis"), "Deployment")["web"]["spec"]["template"]["spec"]["containers"][0]
    paths = {web[probe]["httpGet"]["path"] for probe in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert paths == {reverse("health")}
    # What each endpoint answers a caller with no credentials, as the kubelet is.
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("health-detailed")).status_code in (401, 403, 404)
    # Production's HTTPS redirect spares the probed path.
    production = (BASE_DIR / "beacon" / "settings" / "production.py").read_text()
    assert re.search(r'SECURE_REDIRECT_EXEMPT = \[r"\^api/v1/health\$"', production)


def test_commands_are_composes():
    compose = yaml.safe_load((BASE_DIR / "docker" / "compose.yaml").read_text())["services"]
    deployments = by_kind(applied("redis"), "Deployment")
    for name in ("web", "worker-default", "worker-llm", "worker-webhooks", "worker-gpu"):
        assert deployments[name]["spec"]["template"]["spec"]["containers"][0]["command"] == compose[name]["command"]
    migrate = by_kind(applied("redis"), "Job")["migrate"]["spec"]["template"]["spec"]["containers"][0]
    assert migrate["command"] == compose["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def worker_queues(deployment: dict[str, Any]) -> set[str]:
    command = deployment["spec"]["template"]["spec"]["containers"][0].get("command", [])
    return set(command[command.index("-Q") + 1].split(",")) if "-Q" in command else set()


def test_every_queue_has_a_worker_deployment_and_a_queue_scaler_in_each_overlay():
    # The broker-side names are the queues' own and their `.high` siblings
    # (common/queues.py): no message priority, prefix or separator that would
    # make kombu's Redis lists `<queue>\x06\x16<priority>`.
    assert getattr(settings, "CELERY_TASK_DEFAULT_PRIORITY", None) is None
    assert not {"priority_steps", "global_keyprefix", "sep"} & set(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    for overlay in OVERLAYS:
        objects = applied(overlay)
        deployments, scalers = by_kind(objects, "Deployment"), by_kind(objects, "ScaledObject")
        trigger_type, queue_key = QUEUE_TRIGGERS[overlay]
        for queue in settings.BEACON_QUEUES:
            consumers = [name for name, d in deployments.items() if queue in worker_queues(d)]
            assert consumers == [f"worker-{queue}"], (overlay, queue, consumers)
            scaler = [s for s in scalers.values() if s["spec"]["scaleTargetRef"]["name"] == consumers[0]]
            assert len(scaler) == 1, (overlay, queue)
            # The worker consumes the queue and its high-priority sibling: both are measured.
            triggers = scaler[0]["spec"]["triggers"]
            measured = [(trigger["type"], trigger["metadata"][queue_key]) for trigger in triggers]
            assert sorted(measured) == sorted((trigger_type, name) for name in with_high_queues([queue])), overlay
            assert {t["authenticationRef"]["name"] for t in triggers} <= set(by_kind(objects, "TriggerAuthentication"))
            # Workers hold countdown messages off the queue: never scaled to none.
            assert scaler[0]["spec"]["minReplicaCount"] >= 1
        # Every autoscaled Deployment leaves its replicas to KEDA.
        for scaled in scalers.values():
            assert "replicas" not in deployments[scaled["spec"]["scaleTargetRef"]["name"]]["spec"]


def longest_task_seconds() -> dict[str, int]:
    """The longest hard time limit of a task each queue can carry."""
    from beacon.celery import app
    from jobs.stage_table import STAGE_TABLE

    app.loader.import_default_modules()
    longest = dict.fromkeys(settings.BEACON_QUEUES, settings.CELERY_TASK_TIME_LIMIT)
    stage_tasks = {spec.task for spec in STAGE_TABLE}
    for task in app.tasks.values():
        queue = getattr(task, "queue", None) or settings.CELERY_TASK_DEFAULT_QUEUE
        if task.name not in stage_tasks and task.time_limit and queue in longest:
            longest[queue] = max(longest[queue], task.time_limit)
    for spec in STAGE_TABLE:
        # The model's deployment decides between `llm` and `gpu` for generate.
        for queue in {spec.queue, "gpu"} if spec.queue == "llm" else {spec.queue}:
            longest[queue] = max(longest[queue], spec.time_limit or settings.CELERY_TASK_TIME_LIMIT)
    return longest


def test_workers_get_longer_than_their_longest_task_to_stop():
    deployments = by_kind(applied("redis"), "Deployment")
    longest = longest_task_seconds()
    assert longest["llm"] > settings.BEACON_GENERATE_TIME_LIMIT  # prompts.golden_run's own limit is counted
    for queue in settings.BEACON_QUEUES:
        grace = deployments[f"worker-{queue}"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace > longest[queue], (queue, grace, longest[queue])


def test_beat_is_one_replica_replaced_by_recreate_and_never_autoscaled():
    objects = applied("redis")
    beat = by_kind(objects, "Deployment")["beat"]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"] == {"type": "Recreate"}
    assert "beat" in beat["spec"]["template"]["spec"]["containers"][0]["command"]
    assert all(s["spec"]["scaleTargetRef"]["name"] != "beat" for s in by_kind(objects, "ScaledObject").values())


def test_the_web_scales_on_cpu_and_request_rate():
    web = by_kind(applied("redis"), "ScaledObject")["web"]
    assert {t["type"] for t in web["spec"]["triggers"]} == {"cpu", "prometheus"}
    assert web["spec"]["minReplicaCount"] >= 2  # the PDB keeps one of them


SECRET_NAME = re.compile(r"(SECRET|TOKEN|PASSWORD|_KEY|_KEYS|BASIC_AUTH)$")
CREDENTIALS_IN_URL = re.compile(r"://[^/@\s]*:[^/@\s]*@")


def test_secrets_come_from_secrets_and_are_never_written_into_a_manifest():
    secrets = example_secrets()
    secret_keys = {key for data in secrets.values() for key in data}
    assert all(value == "" or "CHANGE-ME" in value for data in secrets.values() for value in data.values())
    assert {"DJANGO_SECRET_KEY", "BEACON_ENCRYPTION_KEYS", "DATABASE_URL"} <= set(secrets["beacon-secrets"])
    for overlay in OVERLAYS:
        objects = applied(overlay)
        for config in by_kind(objects, "ConfigMap").values():
            for key, value in config["data"].items():
                assert key not in secret_keys and not SECRET_NAME.search(key), key
                assert not CREDENTIALS_IN_URL.search(value), key
        for name, pod in pod_specs(objects):
            for container in containers(pod):
                for env in container.get("env", []):
                    if "value" in env:
                        assert env["name"] not in secret_keys and not SECRET_NAME.search(env["name"]), (name, env)
                        assert not CREDENTIALS_IN_URL.search(env["value"]), (name, env["name"])
                    ref = env.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        assert ref["key"] in secrets[ref["name"]], (name, ref)
                for source in container.get("envFrom", []):
                    assert "secretRef" not in source or source["secretRef"]["name"] in secrets, (name, source)
        for auth in by_kind(objects, "TriggerAuthentication").values():
            for ref in auth["spec"]["secretTargetRef"]:
                assert ref["key"] in secrets[ref["name"]], (overlay, ref)
    # Flower's credentials stay off its command line.
    flower = by_kind(applied("redis"), "Deployment")["flower"]["spec"]["template"]["spec"]["containers"][0]
    assert not any("basic-auth" in part for part in flower["command"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_configmap_variable_is_read_and_the_production_settings_load_with_them(overlay, tmp_path):
    import os
    import subprocess
    import sys

    config = by_kind(applied(overlay), "ConfigMap")["beacon-config"]["data"]
    settings_text = "\n".join(path.read_text() for path in (BASE_DIR / "beacon" / "settings").glob("*.py"))
    read = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z_][A-Z0-9_]*)["']""", settings_text))
    read |= set(re.findall(r"""os\.environ(?:\.get)?\(\s*["']([A-Z_][A-Z0-9_]*)["']""", settings_text))
    read_elsewhere = {"VLLM_API_BASE", "VLLM_MODEL", "OTEL_SERVICE_NAME"}  # llm/deployments.yaml, vllm.yaml, OTel
    assert set(config) - read - read_elsewhere == set()
    secrets = example_secrets()["beacon-secrets"]
    if overlay == "rabbitmq":  # the line the example leaves commented out for Redis
        secrets = {**secrets, "CELERY_BROKER_URL": example_secrets()["beacon-broker"]["AMQP_URL"]}
    probe = (
        "import django, json; from django.conf import settings; django.setup(); d = settings.DATABASES['default']; "
        "print(json.dumps([settings.PRODUCTION, d['HOST'], d['CONN_MAX_AGE'], d.get('DISABLE_SERVER_SIDE_CURSORS'), "
        "getattr(settings, 'CELERY_TASK_DEFAULT_QUEUE_TYPE', 'classic')]))"
    )
    env = {**config, **secrets, "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "beacon.settings",
           "BEACON_RUNTIME_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Through PgBouncer's Service, with what its transaction mode needs.
    queue_type = "quorum" if overlay == "rabbitmq" else "classic"
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, "pgbouncer", 0, True, queue_type]


def test_pgbouncer_pools_transactions_and_is_the_only_way_to_postgresql():
    objects = applied("redis")
    pgbouncer = by_kind(objects, "Deployment")["pgbouncer"]["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "POOL_MODE", "value": "transaction"} in pgbouncer["env"]
    policies = by_kind(objects, "NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"] and not deny.get("ingress")
    assert policies["pgbouncer-from-beacon"]["spec"]["ingress"][0]["from"] == [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "beacon"}}}
    ]
    assert policies["postgres-from-pgbouncer"]["spec"]["ingress"][0]["from"] == [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/component": "pgbouncer"}}}
    ]
    # Flower from this namespace only: a bare podSelector, no namespaceSelector.
    assert policies["flower-from-namespace"]["spec"]["ingress"][0]["from"] == [{"podSelector": {}}]
    assert by_kind(objects, "Service")["flower"]["spec"]["type"] == "ClusterIP"
    assert not by_kind(objects, "Ingress")
    # Every pod that reads Beacon's settings carries the label PgBouncer admits.
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job"):
            template = obj["spec"]["template"]
            if any(c.get("envFrom") for c in containers(template["spec"])):
                assert template["metadata"]["labels"]["app.kubernetes.io/name"] == "beacon", obj["metadata"]["name"]


def test_web_and_workers_have_disruption_budgets():
    objects = applied("redis")
    budgets = [b["spec"]["selector"]["matchLabels"] for b in by_kind(objects, "PodDisruptionBudget").values()]
    for name in ("web", *(f"worker-{queue}" for queue in settings.BEACON_QUEUES)):
        labels = by_kind(objects, "Deployment")[name]["spec"]["template"]["metadata"]["labels"]
        assert any(selector.items() <= labels.items() for selector in budgets), name


def test_vllm_gets_a_gpu_in_the_gpu_pool_beside_the_gpu_worker_at_the_pinned_version():
    deployments = by_kind(applied("redis"), "Deployment")
    vllm = deployments["vllm"]["spec"]["template"]["spec"]
    worker = deployments["worker-gpu"]["spec"]["template"]["spec"]
    resources = vllm["containers"][0]["resources"]
    assert resources["requests"]["nvidia.com/gpu"] == resources["limits"]["nvidia.com/gpu"] == "1"
    assert (vllm["nodeSelector"], vllm["tolerations"]) == (worker["nodeSelector"], worker["tolerations"])
    pinned = re.search(r"^vllm==(\S+)$", (BASE_DIR / "requirements" / "gpu.txt").read_text(), re.M)
    assert pinned and vllm["containers"][0]["image"] == f"vllm/vllm-openai:v{pinned.group(1)}"
