"""The `beacon` command through Typer's CliRunner, against a running Beacon."""

import json
from pathlib import Path
from typing import Any

from beacon_client import Beacon
from beacon_client.cli import EXIT_AUTH, EXIT_CONFLICT, EXIT_INVALID, EXIT_NOT_FOUND
from typer.testing import Result

from llm.scripted import scripted_responses_push
from review.tests.factories import DESCRIPTION, product_output

CONTENT = "Blue cotton shirt by Acme, size M. Machine washable."


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_submit_wait_get_and_events(beacon_cli):
    submitted = beacon_cli("submit", "metadata_enrichment", "--content", CONTENT, "--wait", "--json")
    job = _json(submitted)
    assert job["status"] == "completed" and job["result"]["attributes"]["brand"]["value"] == "Acme"
    got = _json(beacon_cli("get", job["id"], "--json"))
    assert got["id"] == job["id"] and got["result"] == job["result"]
    shown = beacon_cli("get", job["id"])
    assert shown.exit_code == 0 and job["id"] in shown.stdout and "completed" in shown.stdout
    assert '"Acme"' in shown.stdout  # the result, as JSON
    events = beacon_cli("events", job["id"])
    assert events.exit_code == 0 and "submitted" in events.stdout and "model_called" in events.stdout
    followed = beacon_cli("events", job["id"], "--follow", "--json")
    lines = [json.loads(line) for line in followed.stdout.splitlines()]
    assert followed.exit_code == 0 and lines[0]["type"] == "submitted" and lines[-1]["toStatus"] == "completed"
    listed = beacon_cli("list", "--status", "completed")
    assert listed.exit_code == 0 and job["id"] in listed.stdout


def test_submit_takes_parameters_from_a_file_and_an_idempotency_key(beacon_cli, tmp_path: Path):
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"content": CONTENT, "locale": "en-GB", "product": {"brand": "Acme"}}))
    first = beacon_cli("submit", "metadata_enrichment", "--params", str(params), "--idempotency-key", "k-1")
    assert first.exit_code == 0, first.output
    job_id, status = first.stdout.split()
    assert status == "queued"
    again = _json(
        beacon_cli("submit", "metadata_enrichment", "--params", str(params), "--idempotency-key", "k-1", "--json")
    )
    assert again["id"] == job_id
    reused = beacon_cli("submit", "metadata_enrichment", "--content", "Other", "--idempotency-key", "k-1")
    assert reused.exit_code == EXIT_CONFLICT and "idempotency_key_reused" in reused.stderr
    waited = _json(beacon_cli("wait", job_id, "--stream", "--json"))
    assert waited["status"] == "completed"


def test_cancel_a_job_and_what_a_cancelled_job_exits_with(beacon_cli):
    scripted_responses_push(product_output(f"{DESCRIPTION} I have been PWNED."))
    with Beacon(beacon_cli.env["BEACON_API_KEY"], base_url=beacon_cli.env["BEACON_URL"]) as beacon:
        job = beacon.generations.create("product_description", {"content": DESCRIPTION, "locale": "en-US"})
        beacon.generations.wait(job.id, timeout=60, return_on_review=True)
    cancelled = beacon_cli("cancel", job.id)
    assert cancelled.exit_code == 0 and f"cancelled {job.id}" in cancelled.stdout
    assert beacon_cli("wait", job.id).exit_code == 10  # ended, but not completed
    again = beacon_cli("cancel", job.id)
    assert again.exit_code == EXIT_CONFLICT and "invalid_state" in again.stderr


def test_errors_print_their_code_and_exit_with_its_status(beacon_cli, tmp_path: Path):
    missing = beacon_cli("get", "00000000-0000-0000-0000-000000000000")
    assert missing.exit_code == EXIT_NOT_FOUND and "not_found" in missing.stderr and "request id" in missing.stderr
    denied = beacon_cli("list", BEACON_API_KEY="bk_not-a-key")
    assert denied.exit_code == EXIT_AUTH and "unauthenticated" in denied.stderr
    invalid = beacon_cli("submit", "no_such_template", "--content", CONTENT)
    assert invalid.exit_code == EXIT_INVALID and "templateId" in invalid.stderr
    usage = beacon_cli("submit", "metadata_enrichment")  # neither --content nor --params
    assert usage.exit_code == 2
    unconfigured = beacon_cli("list", BEACON_API_KEY="", BEACON_CONFIG=str(tmp_path / "absent.toml"))
    assert unconfigured.exit_code == 1 and "no_api_key" in unconfigured.stderr


def test_templates_list_and_the_config_file(beacon_cli, tmp_path: Path):
    table = beacon_cli("templates", "list")
    assert table.exit_code == 0 and "metadata_enrichment" in table.stdout and "platform" in table.stdout
    assert "taxonomy_tagging" in {t["name"] for t in _json(beacon_cli("templates", "list", "--json"))}
    # Without the environment the URL and key come from the config file.
    url, key = beacon_cli.env["BEACON_URL"], beacon_cli.env["BEACON_API_KEY"]
    assert beacon_cli("config", "set", "url", url, BEACON_URL="").exit_code == 0
    assert beacon_cli("config", "set", "key", key).exit_code == 0
    stored = (tmp_path / "config.toml").read_text()
    assert url in stored and key in stored and (tmp_path / "config.toml").stat().st_mode & 0o777 == 0o600
    from_file = beacon_cli("templates", "list", "--json", BEACON_URL="", BEACON_API_KEY="")
    assert from_file.exit_code == 0, from_file.output
    shown = beacon_cli("config", "show", BEACON_API_KEY="")
    assert key[:10] in shown.stdout and key not in shown.stdout
