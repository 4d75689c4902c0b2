"""Keys through the client and the CLI: list, create, rotate, revoke."""

import json

import pytest
from beacon_client import AuthenticationError, Beacon, PermissionDenied
from beacon_client.cli import app
from typer.testing import CliRunner

from tenants.models import Role


@pytest.fixture
def admin(live, make_key) -> Beacon:
    return Beacon(make_key(role=Role.ADMIN), base_url=live.url)


def test_an_admin_creates_lists_rotates_and_revokes_keys(live, admin):
    with admin:
        issued = admin.keys.create("ci-reader", role="viewer", scopes=["generations:read"])
        assert issued.key and issued.key.startswith("bk_") and issued.prefix == issued.key[:10]
        assert issued.role == "viewer" and issued.scopes == ["generations:read"]
        listed = {key.id: key for key in admin.keys.list()}
        assert issued.id in listed and listed[issued.id].key is None  # never shown again
        assert admin.keys.get(issued.id).name == "ci-reader"
        with Beacon(issued.key, base_url=live.url) as reader:
            assert list(reader.generations.list()) == []
            with pytest.raises(PermissionDenied):  # outside its scopes
                list(reader.templates.list())
        rotated = admin.keys.rotate(issued.id, overlap_seconds=0)
        assert rotated.key and rotated.key != issued.key and rotated.scopes == issued.scopes
        with Beacon(issued.key, base_url=live.url) as old, pytest.raises(AuthenticationError):
            old.generations.get("00000000-0000-0000-0000-000000000000")
        admin.keys.revoke(rotated.id)
        assert admin.keys.get(rotated.id).revoked_at is not None
        with Beacon(rotated.key, base_url=live.url) as revoked, pytest.raises(AuthenticationError):
            list(revoked.generations.list())


def test_the_keys_commands(live, make_key):
    env = {"BEACON_URL": live.url, "BEACON_API_KEY": make_key(role=Role.ADMIN), "COLUMNS": "200"}
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "deploy-bot", "--role", "editor", "--json"], env=env)
    assert created.exit_code == 0, created.output
    key = json.loads(created.stdout)
    assert key["key"].startswith("bk_") and key["role"] == "editor"
    listed = runner.invoke(app, ["keys", "list"], env=env)
    assert listed.exit_code == 0 and key["id"] in listed.stdout and "deploy-bot" in listed.stdout
    rotated = runner.invoke(app, ["keys", "rotate", key["id"], "--overlap", "60"], env=env)
    assert rotated.exit_code == 0 and "key: bk_" in rotated.stdout and "Store the key now" in rotated.stderr
    revoked = runner.invoke(app, ["keys", "revoke", key["id"]], env=env)
    assert revoked.exit_code == 0 and f"revoked {key['id']}" in revoked.stdout
    as_editor = runner.invoke(app, ["keys", "list"], env={**env, "BEACON_API_KEY": key["key"]})
    assert as_editor.exit_code != 0  # revoked
