"""The default database's settings, computed from what the environment says in
one pure function, so a test can check them without reloading settings
(base.py reads the variables and calls it)."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

# "" connects straight to PostgreSQL; "pgbouncer" goes through PgBouncer in
# transaction pooling mode (deploy/kubernetes/), where a server connection
# serves a client for one transaction only.
POOLERS = ("", "pgbouncer")


def database_settings(config: dict[str, Any], *, pooler: str = "", conn_max_age: int | None = None) -> dict[str, Any]:
    """DATABASES["default"] from the parsed DATABASE_URL (`config`), the pooler
    in front of PostgreSQL, and DATABASE_CONN_MAX_AGE (None: not set)."""
    if pooler not in POOLERS:
        raise ImproperlyConfigured(f"DATABASE_POOLER must be empty or pgbouncer, not {pooler!r}")
    database = {**config, "OPTIONS": dict(config.get("OPTIONS") or {})}
    behind_pgbouncer = pooler == "pgbouncer"
    if conn_max_age is None:
        # Straight to PostgreSQL, connections persist: opening one costs more
        # than most stage transactions. Behind PgBouncer a connection to it is
        # cheap (no backend starts), so each request or task closes its own
        # and PgBouncer's count of clients follows what is really in use.
        conn_max_age = 0 if behind_pgbouncer else 60
    database["CONN_MAX_AGE"] = conn_max_age
    database["CONN_HEALTH_CHECKS"] = True
    # A hung connect must not hold a worker or a web thread forever.
    database["OPTIONS"].setdefault("connect_timeout", 5)
    # A peer that vanishes (a partitioned host, a failed-over server) is
    # noticed in about a minute, not after the kernel's two hours: libpq's
    # keepalives on our side of the connection...
    database["OPTIONS"].setdefault("keepalives", 1)
    database["OPTIONS"].setdefault("keepalives_idle", 30)
    database["OPTIONS"].setdefault("keepalives_interval", 10)
    database["OPTIONS"].setdefault("keepalives_count", 3)
    if behind_pgbouncer:
        # A server-side cursor (QuerySet.iterator()) lives across statements
        # in its session; in transaction mode the next statement may reach
        # another server connection, where the cursor does not exist.
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        # Prepared statements belong to one server connection too, and
        # PgBouncer hands a client a different one each transaction. Django
        # 5.2 already defaults psycopg 3's prepare_threshold to None; it is
        # forced here so no OPTIONS from the URL can turn them back on.
        database["OPTIONS"]["prepare_threshold"] = None
    else:
        # ...and the server's, so a worker cut off inside a stage's
        # transaction does not keep its row locks until the link returns;
        # a transaction left idle (no stage waits inside one) ends too.
        # PgBouncer refuses startup options: set these on its servers instead.
        server = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"
        server += " -c idle_in_transaction_session_timeout=300000"
        database["OPTIONS"]["options"] = f"{database['OPTIONS'].get('options', '')} {server}".strip()
    return database
