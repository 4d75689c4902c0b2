"""The audit log, writing: request rows, change rows, the actor, the canonical form.

Two kinds of rows (tenants.models.AuditLog): one per API request (and per
write under /admin/), written by tenants/middleware.py, and one per change of
a model instance made while an *audit actor* is set: `admin:<username>` for a
staff user's admin request, `command:<name>` for a management command.

Why the chain is not built in the request. Chaining a row needs the previous
row's hash, so chain writers must take turns: done in the request, every API
call would queue on one lock (and hold it across a commit), and the
acknowledgement budget of POST /api/v1/generations would pay for it under
load. Instead each request's row is one plain INSERT with empty chain fields,
made after its response has been sent and committed without waiting for the
disk (audit_request_write), and `audit_chain` (beat, every few seconds, and at the start of
verify, export and purge) assigns `seq`, `prev_hash` and `row_hash` to
unchained rows in id order under a transaction-scoped advisory lock: one
writer of the chain, no contention on the hot path. Until the chainer reaches
a row it is "pending": verification reports it, it is not a broken link.

`row_hash` = SHA-256 of the canonical JSON of the row's HASHED_FIELDS, which
include `seq` and `prev_hash`; the first row's `prev_hash` is GENESIS, or
after a retention purge the checkpoint's hash (AuditCheckpoint).
"""

import contextvars
import functools
import hashlib
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from datetime import time as dt_time
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.http import HttpResponseBase

from common import correlation
from tenants.models import AuditAction, AuditKind, AuditLog

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
# pg_advisory_xact_lock key of the chain's single writer ("beacon-audit" as an int).
CHAIN_LOCK_KEY = 0x62636E6175646974
CHAIN_BATCH = 1000
PURGE_BATCH = 10_000
PURGE_FLAG = "beacon.audit_purge"  # the trigger lets DELETE through only with this set (SET LOCAL)

# The fields row_hash covers, in a fixed list: a column added later must not
# change the hash of rows written before it (add it here as a new version).
HASHED_FIELDS = (
    "id",
    "created_at",
    "kind",
    "actor",
    "method",
    "route",
    "status_code",
    "organization_id",
    "project_id",
    "api_key_id",
    "api_key_prefix",
    "role",
    "client_ip",
    "user_agent",
    "correlation_id",
    "latency_ms",
    "body_sha256",
    "object_model",
    "object_pk",
    "action",
    "before_hash",
    "after_hash",
    "seq",
    "prev_hash",
)

# Models whose changes are not audited: the audit tables themselves, Django's
# bookkeeping, and high-volume pipeline records written by workers and
# commands (jobs, model calls, evaluation results). By "app_label.model" only:
# tenants sits below jobs, llm and evals and never imports them.
AUDIT_SKIP_MODELS = frozenset(
    {
        "tenants.auditlog",
        "tenants.auditcheckpoint",
        "sessions.session",
        "admin.logentry",
        "contenttypes.contenttype",
        "auth.permission",
        "jobs.job",
        "jobs.jobevent",
        "jobs.jobpayload",
        "jobs.jobresult",
        "jobs.idempotencyrecord",
        "jobs.deadletter",
        "jobs.webhookdelivery",
        "llm.modelcall",
        "evals.evalrun",
        "evals.evalitem",
        "evals.evalresult",
        "evals.judgescore",
        "evals.monitoralert",
        "prompts.taxonomynode",  # thousands per taxonomy import; the Taxonomy row itself is audited
    }
)

# Commands that get no actor: they run the server, migrate, inspect or test,
# and change no business data of their own.
UNAUDITED_COMMANDS = frozenset(
    {
        "migrate",
        "makemigrations",
        "runserver",
        "test",
        "check",
        "collectstatic",
        "shell_plus",
        "llm_serve",
        "sqlmigrate",
        "showmigrations",
    }
)


# --- canonical form ------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date | dt_time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return str(value)


def canonical_json(fields: dict[str, Any]) -> str:
    """Keys sorted, no spaces, datetimes in UTC ISO form, ids and decimals as text."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=_json_default, ensure_ascii=False)


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def audit_row_hash(row: AuditLog) -> str:
    return sha256_hex(canonical_json({name: getattr(row, name) for name in HASHED_FIELDS}))


# --- the actor -------------------------------------------------------------------

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_actor", default=None)


def audit_actor_current() -> str | None:
    return _actor.get()


@contextmanager
def audit_actor(actor: str) -> Iterator[None]:
    """Changes made inside are audited as `actor`, e.g. `command:<name>` or
    `task:<name>`; also a decorator (`@audit_actor("...")`)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def command_audit_install() -> None:
    """Run every management command as actor `command:<name>`.

    Wraps BaseCommand.execute once, at app start: both `manage.py <name>` and
    `call_command(<name>)` go through it, so every command is covered without
    each one opting in (a mixin would need every command in every app to
    change). A command run under an actor already set (inside `audit_actor`,
    or an admin request) keeps that actor.
    """
    original = BaseCommand.execute
    if getattr(original, "_beacon_audited", False):
        return

    @functools.wraps(original)
    def execute(self: BaseCommand, *args: Any, **options: Any) -> Any:
        name = type(self).__module__.rsplit(".", 1)[-1]
        if name in UNAUDITED_COMMANDS or _actor.get() is not None:
            return original(self, *args, **options)
        with audit_actor(f"command:{name}"):
            return original(self, *args, **options)

    execute._beacon_audited = True  # type: ignore[attr-defined]
    BaseCommand.execute = execute  # type: ignore[method-assign]


# --- writing -------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRecord:
    """What the middleware knows about one request; never its body."""

    received_at: datetime
    method: str
    route: str
    status_code: int
    latency_ms: int
    actor: str = ""
    organization_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    api_key_prefix: str = ""
    role: str = ""
    client_ip: str | None = None
    user_agent: str = ""
    body_sha256: str = ""
    correlation_id: str = ""  # taken while the request runs; empty: the current one


def audit_request_defer(*, record: RequestRecord, response: HttpResponseBase) -> None:
    """Write the request's row once its response has been sent: the server
    closes the response after the last byte (for a stream, when the stream
    ends), and Django runs the response's closers then, on the request's
    thread. The record rides on the response itself, not in a context
    variable: under ASGI the view runs in a task whose context the handler's
    closing code never sees. A process killed in between loses that one row."""
    pending = replace(record, correlation_id=record.correlation_id or _correlation_id())

    def write() -> None:
        # The status the client got: a sync-mode answer settles after the
        # middleware ran (jobs/streaming.py SyncWaitResponse).
        audit_request_write(record=replace(pending, status_code=response.status_code))

    response._resource_closers.append(write)  # type: ignore[attr-defined]


def audit_request_write(*, record: RequestRecord) -> bool:
    """One INSERT, no lock, no chain: the request path's whole cost. Never
    raises; a failure (database down) is logged and the request goes on.
    Returns whether the row was written.

    The insert commits without waiting for the WAL flush (`synchronous_commit
    off` for its own one-statement transaction only, `_insert_async_commit`):
    a second fsync per request doubled the disk waits of every submission and
    cost its acknowledgement p95 about a third on a shared disk
    (docs/benchmarks.md). What it risks: if the database server itself
    crashes, the request rows of its last few hundred milliseconds are lost
    (never half-written; the chain is built from what committed). The job,
    its events and every change row stay synchronous."""
    row = AuditLog(
        created_at=record.received_at,
        kind=AuditKind.REQUEST,
        correlation_id=record.correlation_id or _correlation_id(),
        method=record.method[:10],
        route=record.route[:300],
        status_code=record.status_code,
        latency_ms=max(0, record.latency_ms),
        actor=record.actor[:200],
        organization_id=record.organization_id,
        project_id=record.project_id,
        api_key_id=record.api_key_id,
        api_key_prefix=record.api_key_prefix[:16],
        role=record.role[:10],
        client_ip=record.client_ip,
        user_agent=record.user_agent[:256],
        body_sha256=record.body_sha256,
    )
    try:
        if connection.in_atomic_block:
            # Inside a transaction (tests, ATOMIC_REQUESTS): a savepoint keeps
            # a failed insert from breaking the caller's transaction.
            with transaction.atomic():
                row.save(force_insert=True)
        else:
            _insert_async_commit(row)
    except Exception as exc:
        logger.warning("audit row not written for %s %s: %s", record.method, record.route, type(exc).__name__)
        return False
    return True


@functools.cache
def _insert_statement() -> tuple[str, tuple[Any, ...]]:
    """The row's INSERT, built once from the model's own column names (no
    input reaches the SQL text; values go as parameters)."""
    fields = tuple(f for f in AuditLog._meta.local_concrete_fields if not f.primary_key)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    # RETURNING runs before the statement's implicit commit, and a local
    # set_config lasts to the end of the transaction: so this one statement,
    # one round trip in autocommit, commits without waiting for the disk.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING set_config('synchronous_commit', 'off', true)"  # noqa: S608, E501
    return sql, fields


def _insert_async_commit(row: AuditLog) -> None:
    sql, fields = _insert_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields])


def _correlation_id() -> str:
    value = correlation.current()
    return "" if value == "-" else value[:64]


def object_state_hash(model: type[models.Model], pk: Any) -> str:
    """SHA-256 of the canonical JSON of the row's field values in the
    database now; empty when there is no such row."""
    values = model._base_manager.filter(pk=pk).values().first()
    return "" if values is None else sha256_hex(canonical_json(values))


def _organization_of(instance: models.Model) -> uuid.UUID | None:
    value = instance.pk if instance._meta.label_lower == "tenants.organization" else None
    if value is None:
        value = getattr(instance, "organization_id", None)
    return value if isinstance(value, uuid.UUID) else None


def _concrete_label(model: type[models.Model]) -> str:
    """`app_label.model` of the table a model (or a proxy of it) writes to."""
    return (model._meta.concrete_model or model)._meta.label_lower


def _change_write(instance: models.Model, action: str, before: str, after: str, actor: str) -> None:
    AuditLog.objects.create(
        kind=AuditKind.CHANGE,
        actor=actor[:200],
        correlation_id=_correlation_id(),
        organization_id=_organization_of(instance),
        object_model=_concrete_label(type(instance)),
        object_pk=str(instance.pk)[:64],
        action=action,
        before_hash=before,
        after_hash=after,
    )


_BEFORE = "_beacon_audit_before"


def _on_pre_save(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    if _actor.get() is not None:
        setattr(instance, _BEFORE, object_state_hash(sender, instance.pk) if instance.pk is not None else "")


def _on_post_save(sender: type[models.Model], instance: models.Model, created: bool = False, **_: Any) -> None:
    actor = _actor.get()
    if actor is None:
        return
    before = instance.__dict__.pop(_BEFORE, "")
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    # A change row is written in the change's own transaction: an admin save
    # that cannot be audited fails rather than going unrecorded.
    _change_write(instance, action, "" if created else before, object_state_hash(sender, instance.pk), actor)


def _on_pre_delete(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    if _actor.get() is not None:
        setattr(instance, _BEFORE, object_state_hash(sender, instance.pk))


def _on_post_delete(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    actor = _actor.get()
    if actor is not None:
        _change_write(instance, AuditAction.DELETE, instance.__dict__.pop(_BEFORE, ""), "", actor)


def audit_signals_connect() -> None:
    """Connect the change receivers to each audited model, by sender: a
    delete receiver for every model would switch off Django's fast delete
    for the high-volume tables too."""
    for model in apps.get_models():
        label = model._meta.label_lower
        if {label, _concrete_label(model)} & AUDIT_SKIP_MODELS:
            continue
        for signal, receiver in (
            (pre_save, _on_pre_save),
            (post_save, _on_post_save),
            (pre_delete, _on_pre_delete),
            (post_delete, _on_post_delete),
        ):
            signal.connect(receiver, sender=model, dispatch_uid=f"beacon-audit-{receiver.__name__}-{label}")
