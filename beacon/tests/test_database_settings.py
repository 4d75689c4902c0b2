"""DATABASES behind PgBouncer in transaction mode (beacon/settings/database.py)."""

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from beacon.settings.database import database_settings

URL = "postgresql://beacon:secret@pgbouncer:5432/beacon"


def parsed(url: str = URL) -> dict:
    return environ.Env.db_url_config(url)


def test_straight_to_postgresql_connections_persist_and_cursors_stay_on():
    database = database_settings(parsed())
    assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5
    assert "idle_in_transaction_session_timeout=300000" in database["OPTIONS"]["options"]
    assert "DISABLE_SERVER_SIDE_CURSORS" not in database
    assert (database["HOST"], database["NAME"]) == ("pgbouncer", "beacon")


def test_behind_pgbouncer_no_server_side_cursors_no_prepared_statements_no_persistent_connections():
    database = database_settings(parsed(), pooler="pgbouncer")
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"]["prepare_threshold"] is None
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["connect_timeout"] == 5


def test_an_explicit_conn_max_age_wins_behind_pgbouncer_too():
    assert database_settings(parsed(), pooler="pgbouncer", conn_max_age=30)["CONN_MAX_AGE"] == 30
    assert database_settings(parsed(), conn_max_age=0)["CONN_MAX_AGE"] == 0


def test_prepared_statements_asked_for_in_the_url_are_turned_off_behind_pgbouncer():
    config = parsed()
    config["OPTIONS"] = {"prepare_threshold": 5, "connect_timeout": 2}
    database = database_settings(config, pooler="pgbouncer")
    assert database["OPTIONS"]["prepare_threshold"] is None and database["OPTIONS"]["connect_timeout"] == 2
    assert "options" not in database["OPTIONS"]  # PgBouncer refuses startup options
    assert config["OPTIONS"]["prepare_threshold"] == 5  # the parsed URL is not changed in place


def test_an_unknown_pooler_stops_the_process_at_start():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER"):
        database_settings(parsed(), pooler="pgpool")


def test_the_settings_module_reads_the_switch(tmp_path):
    """base.py passes DATABASE_POOLER through: a child process with it set
    loads settings whose DATABASES say so."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings

    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d.get('DISABLE_SERVER_SIDE_CURSORS'), d['OPTIONS']]))"
    )
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "beacon.settings", "DATABASE_URL": URL,
           "DATABASE_POOLER": "pgbouncer", "BEACON_RUNTIME_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    conn_max_age, no_cursors, options = json.loads(done.stdout.strip().splitlines()[-1])
    assert (conn_max_age, no_cursors, options["prepare_threshold"]) == (0, True, None)


@pytest.mark.django_db
def test_a_real_connection_has_the_server_side_keepalives_and_the_idle_transaction_limit():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        assert cursor.fetchone()[0] == "5min"
        cursor.execute("SHOW tcp_keepalives_idle")
        # 30 on a TCP connection; a unix socket (the embedded server) has no keepalives: 0.
        assert cursor.fetchone()[0] in ("30", "0")
