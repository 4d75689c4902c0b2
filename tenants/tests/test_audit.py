"""The audit log: request rows, change rows, the hash chain, the trigger,
retention, export and the organization admin's API."""

import hashlib
import json
import logging
import threading
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, OperationalError, connection, connections, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.celery import app
from beacon.testing import client_for
from tenants.audit import AUDIT_SKIP_MODELS, audit_actor, audit_chain, audit_purge, audit_verify
from tenants.middleware import client_ip, trusted_networks
from tenants.models import ApiKey, AuditCheckpoint, AuditKind, AuditLog, Organization, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_audit_log() -> None:
    """Each test counts rows and sequence numbers from an empty log, whatever
    earlier tests committed; TRUNCATE is transactional and rolls back with
    the test (the row trigger does not apply to it)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tenants_auditlog, tenants_auditcheckpoint")


def _requests(**filters: Any) -> list[AuditLog]:
    return list(AuditLog.objects.filter(kind=AuditKind.REQUEST, **filters).order_by("id"))


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the trigger's back, as someone with the
    database's owner rights could (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE tenants_auditlog DISABLE TRIGGER tenants_auditlog_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE tenants_auditlog ENABLE TRIGGER tenants_auditlog_append_only")


def _rows(count: int, **fields: Any) -> list[AuditLog]:
    return [
        AuditLog.objects.create(kind=AuditKind.REQUEST, method="GET", route=f"api/v1/r{i}", status_code=200, **fields)
        for i in range(count)
    ]


# --- request rows ---------------------------------------------------------------


def test_an_api_request_writes_a_row_with_route_status_org_key_and_body_hash_but_no_body(org_factory):
    org, key = org_factory("acme", Role.EDITOR)
    api_key = ApiKey.objects.get(prefix=key[:10])
    secret = "Jane Roe, jane@example.com, +1 555 0100"
    response = client_for(key).post(
        "/api/v1/templates/00000000-0000-0000-0000-000000000000",
        {"note": secret},
        format="json",
        HTTP_USER_AGENT="pytest-agent/1.0 " + "x" * 400,
        HTTP_X_REQUEST_ID="audit-test-correlation",
    )

    [row] = _requests(organization_id=org.id)
    assert row.route == "api/v1/templates/<uuid:template_id>"
    assert row.method == "POST" and row.status_code == response.status_code
    assert (row.api_key_id, row.api_key_prefix, row.role) == (api_key.id, key[:10], "editor")
    assert row.project_id == api_key.project_id and row.actor == f"api-key:{key[:10]}"
    assert row.correlation_id == "audit-test-correlation"
    assert row.client_ip == "127.0.0.1" and row.latency_ms is not None
    assert row.user_agent.startswith("pytest-agent/1.0") and len(row.user_agent) == 256
    body = response.wsgi_request.body
    assert secret.encode() in body and row.body_sha256 == hashlib.sha256(body).hexdigest()
    stored = json.dumps([str(getattr(row, f.attname)) for f in AuditLog._meta.concrete_fields])
    assert "jane" not in stored.lower() and "555 0100" not in stored


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_row_is_one_statement_that_does_not_wait_for_the_disk(org_factory):
    org, key = org_factory("acme", Role.VIEWER)

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    before = synchronous_commit()
    with CaptureQueriesContext(connection) as queries:
        assert client_for(key).get("/api/v1/templates", HTTP_USER_AGENT="agent/2").status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if "tenants_auditlog" in q["sql"]]
    assert len(inserts) == 1 and "set_config('synchronous_commit', 'off', true)" in inserts[0]
    [row] = _requests(organization_id=org.id)
    assert (row.route, row.status_code, row.user_agent, row.client_ip) == (
        "api/v1/templates",
        200,
        "agent/2",
        "127.0.0.1",
    )
    assert row.created_at is not None and row.seq is None  # pending until the chainer
    assert audit_chain() == 1 and audit_verify().ok
    assert synchronous_commit() == before  # the setting ended with the insert's own transaction


def test_an_unauthenticated_request_is_logged_without_an_organization(client):
    assert client.get("/api/v1/generations").status_code == 401
    assert client.get("/api/v1/generations", HTTP_AUTHORIZATION="Bearer bk_not-a-key").status_code == 401

    rows = _requests(route="api/v1/generations")
    assert [r.status_code for r in rows] == [401, 401]
    assert all(r.organization_id is None and r.api_key_prefix == "" and r.actor == "" for r in rows)


def test_a_failed_audit_insert_does_not_fail_the_request(api, monkeypatch, caplog):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("the database is down")

    monkeypatch.setattr(AuditLog, "save", refuse)
    with caplog.at_level(logging.WARNING, logger="tenants.audit"):
        response = api.get("/api/v1/generations")
    assert response.status_code == 200
    assert "audit row not written" in caplog.text


# --- client address -------------------------------------------------------------


def test_x_forwarded_for_is_believed_only_through_trusted_proxies(api, settings):
    spoofed = "6.6.6.6, 203.0.113.7"
    api.get("/api/v1/generations", HTTP_X_FORWARDED_FOR=spoofed)
    settings.BEACON_TRUSTED_PROXIES = ["127.0.0.0/8", "10.0.0.0/8"]
    api.get("/api/v1/generations", HTTP_X_FORWARDED_FOR=spoofed)
    api.get("/api/v1/generations", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.1.2.3")

    assert [r.client_ip for r in _requests(route="api/v1/generations")] == ["127.0.0.1", "203.0.113.7", "203.0.113.7"]


def test_client_ip_walks_from_the_right_and_stops_at_the_first_untrusted_hop():
    trusted = trusted_networks(("10.0.0.0/8", "2001:db8::/32"))
    assert client_ip("10.0.0.1", "1.1.1.1, 2.2.2.2, 10.0.0.9", trusted) == "2.2.2.2"
    assert client_ip("10.0.0.1", "10.0.0.5, 10.0.0.9", trusted) == "10.0.0.5"
    assert client_ip("2001:db8::1", "2001:db8::2, 2606:4700::1111", trusted) == "2606:4700::1111"
    assert client_ip("10.0.0.1", "not-an-ip, 10.0.0.9", trusted) == "10.0.0.9"
    assert client_ip("192.0.2.1", "1.1.1.1", trusted) == "192.0.2.1"
    assert client_ip("10.0.0.1", "", ()) == "10.0.0.1"


# --- the chain and the trigger --------------------------------------------------


def test_the_chain_verifies_and_a_tampered_row_is_the_first_broken_link():
    rows = _rows(5)
    assert audit_chain() == 5
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "audit chain OK: 5 rows verified" in out.getvalue() and "0 pending" in out.getvalue()

    third = AuditLog.objects.get(pk=rows[2].pk)
    _tamper("UPDATE tenants_auditlog SET status_code = 500 WHERE id = %s", [third.pk])
    with pytest.raises(CommandError, match=rf"BROKEN at seq {third.seq} \(row id {third.pk}\): row_hash"):
        call_command("audit_verify", stdout=StringIO())


def test_a_deleted_row_breaks_the_chain_at_the_next_one():
    rows = _rows(4)
    audit_chain()
    _tamper("DELETE FROM tenants_auditlog WHERE id = %s", [rows[1].pk])
    report = audit_verify()
    assert report.broken is not None and report.broken.row_id == rows[2].pk
    assert "missing" in report.broken.reason


def test_unchained_rows_are_pending_not_broken():
    _rows(2)
    audit_chain()
    _rows(3)
    report = audit_verify(chain_first=False)
    assert report.ok and (report.checked, report.pending) == (2, 3)
    assert audit_verify().pending == 0


def test_update_and_delete_through_sql_are_refused_by_the_trigger():
    [row] = _rows(1)
    for sql in (
        "UPDATE tenants_auditlog SET status_code = 500 WHERE id = %s",
        "DELETE FROM tenants_auditlog WHERE id = %s",
        # Chaining is allowed once, with nothing else changing.
        "UPDATE tenants_auditlog SET seq = 99, prev_hash = repeat('a', 64), row_hash = repeat('b', 64),"
        " route = 'forged' WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    audit_chain()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_auditlog SET row_hash = repeat('c', 64) WHERE id = %s", [row.pk])
    with pytest.raises(ValueError, match="append-only"):
        AuditLog.objects.get(pk=row.pk).save()
    assert AuditLog.objects.filter(pk=row.pk, route="api/v1/r0").exists()


def test_a_purge_removes_old_rows_and_verify_still_passes(settings):
    settings.BEACON_AUDIT_RETENTION_DAYS = 30
    old = _rows(3)
    # Age them before they are chained (their hashes then cover the old times).
    _tamper("UPDATE tenants_auditlog SET created_at = %s WHERE id = ANY(%s)",
            [timezone.now() - timedelta(days=31), [r.pk for r in old]])  # fmt: skip
    _rows(2)

    assert audit_purge() == 3
    assert not AuditLog.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditCheckpoint.objects.get().seq == 3
    report = audit_verify()
    assert report.ok and report.checked == 2 and report.first_seq == 4
    # The chain goes on from the checkpoint, even once every row is purged.
    _rows(1)
    assert audit_purge(older_than=timezone.now() + timedelta(seconds=1)) == 3
    assert audit_verify().ok and not AuditLog.objects.exists()
    _rows(1)
    report = audit_verify()
    assert report.ok and AuditLog.objects.get().seq == 7 and report.first_seq == 7


def test_a_purge_stops_at_a_broken_link_instead_of_erasing_it():
    rows = _rows(3)
    _tamper("UPDATE tenants_auditlog SET created_at = %s", [timezone.now() - timedelta(days=500)])
    audit_chain()
    _tamper("UPDATE tenants_auditlog SET route = 'edited' WHERE id = %s", [rows[1].pk])
    assert audit_purge() == 0
    assert AuditLog.objects.count() == 3 and not AuditCheckpoint.objects.exists()


def test_export_writes_json_lines_for_one_organization(org_factory, tmp_path):
    acme, acme_key = org_factory("acme", Role.ADMIN)
    _, other_key = org_factory("other", Role.ADMIN)
    client_for(acme_key).get("/api/v1/generations")
    client_for(other_key).get("/api/v1/generations")

    out = StringIO()
    call_command("audit_export", "--org", "acme", stdout=out, stderr=StringIO())
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["organizationId"] for line in lines] == [str(acme.id)]
    assert lines[0]["seq"] is not None and len(lines[0]["rowHash"]) == 64

    target = tmp_path / "audit.jsonl"
    call_command("audit_export", "--since", "2000-01-01", "--output", str(target), stderr=StringIO())
    assert len(target.read_text().splitlines()) == AuditLog.objects.count()
    with pytest.raises(CommandError, match="--until"):
        call_command("audit_export", "--until", "yesterday", stderr=StringIO())


# --- the API ----------------------------------------------------------------------


def test_the_api_lists_only_the_callers_organization_newest_first(org_factory):
    acme, admin_key = org_factory("acme", Role.ADMIN)
    _, other_key = org_factory("other", Role.ADMIN)
    client_for(other_key).get("/api/v1/generations")
    admin = client_for(admin_key)
    admin.get("/api/v1/generations")
    admin.get("/api/v1/usage")

    body = admin.get("/api/v1/audit-log").json()
    assert {row["organizationId"] for row in body["data"]} == {str(acme.id)}
    assert [row["route"] for row in body["data"]] == ["api/v1/usage", "api/v1/generations"]
    assert body["meta"]["total"] == 2 and body["links"]["next"] is None


def test_the_api_filters_by_time_key_route_and_status(org_factory):
    _, admin_key = org_factory("acme", Role.ADMIN)
    _, editor_key = org_factory("acme", Role.EDITOR)
    editor = client_for(editor_key)
    editor.get("/api/v1/generations")
    editor.get("/api/v1/generations/00000000-0000-0000-0000-000000000000")  # 404
    admin = client_for(admin_key)
    editor_id = str(ApiKey.objects.get(prefix=editor_key[:10]).id)

    def routes(**params: str) -> list[tuple[str, int]]:
        response = admin.get("/api/v1/audit-log", params)
        assert response.status_code == 200, response.json()
        return [(row["route"], row["status"]) for row in response.json()["data"]]

    everything = routes(key=editor_key[:10])
    assert everything == [("api/v1/generations/<uuid:job_id>", 404), ("api/v1/generations", 200)]
    assert routes(key=editor_id) == everything
    assert routes(route="/api/v1/generations") == [("api/v1/generations", 200)]
    assert routes(status="404") == routes(status="4xx") == [("api/v1/generations/<uuid:job_id>", 404)]
    hour_ago = (timezone.now() - timedelta(hours=1)).isoformat()
    assert routes(key=editor_id, since=hour_ago) == everything
    assert routes(until=hour_ago) == []


def test_bad_filters_are_422_in_the_error_format(org_factory):
    _, admin_key = org_factory("acme", Role.ADMIN)
    response = client_for(admin_key).get("/api/v1/audit-log", {"since": "last tuesday", "status": "abc"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {detail["field"] for detail in error["details"]} == {"since", "status"}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_viewers_and_editors_may_not_read_the_log(org_factory, role):
    _, key = org_factory("acme", role)
    response = client_for(key).get("/api/v1/audit-log")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


# --- change rows --------------------------------------------------------------------


def test_an_admin_change_writes_a_change_row_with_differing_hashes(client, org_factory):
    org, _ = org_factory("acme")
    staff = get_user_model().objects.create_superuser("ops", "ops@example.com", "correct-horse-battery")
    client.force_login(staff)
    form = {key: ("" if value is None else value) for key, value in model_to_dict(org).items()}
    response = client.post(
        f"/admin/tenants/organization/{org.pk}/change/", {**form, "name": "Acme Renamed", "_save": "Save"}
    )
    assert response.status_code == 302, response.content[:2000]
    assert Organization.objects.get(pk=org.pk).name == "Acme Renamed"

    [change] = AuditLog.objects.filter(kind=AuditKind.CHANGE, object_model="tenants.organization")
    assert (change.actor, change.action, change.object_pk) == ("admin:ops", "update", str(org.pk))
    assert change.organization_id == org.id
    assert len(change.before_hash) == len(change.after_hash) == 64 and change.before_hash != change.after_hash
    [post] = _requests(method="POST")
    assert post.route == "admin/tenants/organization/<path:object_id>/change/"
    assert post.actor == "admin:ops" and post.status_code == 302 and post.correlation_id == change.correlation_id
    # Admin reads are not logged, only writes.
    client.get(f"/admin/tenants/organization/{org.pk}/change/")
    assert len(_requests()) == 1


def test_a_management_command_change_is_audited_as_the_command():
    call_command("apikey_create", "--org", "newco", "--role", "viewer", stdout=StringIO())

    changes = AuditLog.objects.filter(kind=AuditKind.CHANGE).order_by("id")
    assert {row.actor for row in changes} == {"command:apikey_create"}
    assert [(row.object_model, row.action) for row in changes] == [
        ("tenants.organization", "create"),
        ("tenants.project", "create"),
        ("tenants.apikey", "create"),
    ]
    assert all(row.before_hash == "" and len(row.after_hash) == 64 for row in changes)
    assert len({row.organization_id for row in changes}) == 1


def test_changes_are_audited_only_under_an_actor_and_deletes_keep_the_before_hash(org_factory):
    org, _ = org_factory("acme")
    assert not AuditLog.objects.filter(kind=AuditKind.CHANGE).exists()
    key = ApiKey.objects.filter(organization=org).first()
    assert key is not None
    with audit_actor("command:test"):
        key.delete()
    [row] = AuditLog.objects.filter(kind=AuditKind.CHANGE)
    assert (row.action, row.object_model, row.after_hash) == ("delete", "tenants.apikey", "")
    assert len(row.before_hash) == 64


def test_beat_chains_and_purges_the_log_on_the_default_queue(settings):
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"tenants.audit_chain", "tenants.audit_purge"} <= scheduled & set(app.tasks)
    assert app.amqp.router.route({}, "tenants.audit_chain")["queue"].name == "default"
    _rows(2)
    assert app.tasks["tenants.audit_chain"].apply().get() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_chainers_build_one_chain():
    _rows(60)
    errors: list[BaseException] = []

    def chain() -> None:
        try:
            audit_chain(batch_size=7)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=chain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    report = audit_verify(chain_first=False)
    assert report.ok and (report.checked, report.pending, report.head_seq) == (60, 0, 60)


def test_every_skipped_model_exists_so_a_rename_cannot_start_auditing_it_silently():
    labels = {model._meta.label_lower for model in django_apps.get_models()}
    assert not AUDIT_SKIP_MODELS - labels
