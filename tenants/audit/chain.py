"""The audit log's hash chain: chaining pending rows in id order under one
advisory lock, verifying the chain, and purging past retention behind a
checkpoint (tenants/audit/writing.py says why chaining is not done in the
request)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from tenants.audit.writing import (
    CHAIN_BATCH,
    CHAIN_LOCK_KEY,
    GENESIS,
    PURGE_BATCH,
    PURGE_FLAG,
    audit_row_hash,
)
from tenants.models import AuditCheckpoint, AuditLog

logger = logging.getLogger(__name__)


# --- the chain -----------------------------------------------------------------


def _lock_chain() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _chain_head() -> tuple[int, str]:
    """The last chained (seq, row_hash), or the latest checkpoint's, or genesis."""
    seq, row_hash = 0, GENESIS
    head = AuditLog.objects.filter(seq__isnull=False).order_by("-seq").first()
    if head is not None and head.seq is not None:
        seq, row_hash = head.seq, head.row_hash
    checkpoint = AuditCheckpoint.objects.order_by("-seq").first()
    if checkpoint is not None and checkpoint.seq > seq:
        seq, row_hash = checkpoint.seq, checkpoint.row_hash
    return seq, row_hash


def audit_chain(*, batch_size: int = CHAIN_BATCH) -> int:
    """Chain every pending row, in id order; returns how many. One batch per
    transaction, each under the chain's advisory lock, so two chainers (beat
    and a verify) never interleave."""
    total = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            rows = list(AuditLog.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            if not rows:
                return total
            seq, prev = _chain_head()
            for row in rows:
                seq += 1
                row.seq, row.prev_hash = seq, prev
                row.row_hash = prev = audit_row_hash(row)
            # One UPDATE per row, setting the chain fields once: all the trigger allows.
            AuditLog.objects.bulk_update(rows, ["seq", "prev_hash", "row_hash"])
        total += len(rows)
        if len(rows) < batch_size:
            return total


@dataclass(frozen=True)
class BrokenLink:
    seq: int | None
    row_id: int
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    pending: int
    first_seq: int | None
    head_seq: int | None
    head_hash: str
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _walk(rows: Iterable[AuditLog], seq: int, prev: str) -> tuple[int, str, int, BrokenLink | None]:
    """Check rows in seq order against the link before them; returns the last
    seq and hash, how many were checked, and the first broken link."""
    checked = 0
    for row in rows:
        assert row.seq is not None
        if row.seq != seq + 1:
            return seq, prev, checked, BrokenLink(row.seq, row.id, f"seq {row.seq} follows {seq}: rows are missing")
        if row.prev_hash != prev:
            return seq, prev, checked, BrokenLink(row.seq, row.id, "prev_hash is not the previous row's hash")
        if audit_row_hash(row) != row.row_hash:
            return seq, prev, checked, BrokenLink(row.seq, row.id, "row_hash does not match the row: altered")
        seq, prev = row.seq, row.row_hash
        checked += 1
    return seq, prev, checked, None


def audit_verify(*, chain_first: bool = True) -> VerifyReport:
    """Walk the chain from the latest checkpoint (or genesis) and report the
    first broken link. Rows not yet chained are counted as pending."""
    if chain_first:
        audit_chain()
    checkpoint = AuditCheckpoint.objects.order_by("-seq").first()
    start_seq, start_hash = (checkpoint.seq, checkpoint.row_hash) if checkpoint else (0, GENESIS)
    rows = AuditLog.objects.filter(seq__gt=start_seq).order_by("seq").iterator(chunk_size=2000)
    seq, prev, checked, broken = _walk(rows, start_seq, start_hash)
    unchained = AuditLog.objects.filter(seq__isnull=True)
    if broken is None:
        # Chain fields half set (only possible with the trigger off) are tampering too.
        odd = unchained.exclude(prev_hash="", row_hash="").order_by("id").first()
        if odd is not None:
            broken = BrokenLink(None, odd.id, "chain fields set on a row without seq: altered")
    return VerifyReport(
        checked=checked,
        pending=unchained.count(),
        first_seq=start_seq + 1 if checked else None,
        head_seq=seq if checked or checkpoint else None,
        head_hash=prev,
        broken=broken,
    )


# --- retention -----------------------------------------------------------------


def audit_purge(*, older_than: datetime | None = None, batch_size: int = PURGE_BATCH) -> int:
    """Delete chained rows older than the retention, oldest first, as a
    contiguous start of the chain, and record a checkpoint per batch so
    verification resumes at the first remaining row. Rows are verified
    before they go: a broken link stops the purge, so it never erases the
    evidence of tampering. Returns how many rows were purged."""
    cutoff = older_than or timezone.now() - timedelta(days=settings.BEACON_AUDIT_RETENTION_DAYS)
    audit_chain()
    purged = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            checkpoint = AuditCheckpoint.objects.order_by("-seq").first()
            start_seq, start_hash = (checkpoint.seq, checkpoint.row_hash) if checkpoint else (0, GENESIS)
            chained = AuditLog.objects.filter(seq__gt=start_seq)
            # The chain is purged only up to its first row that must stay.
            keep_from = chained.filter(created_at__gte=cutoff).aggregate(s=Min("seq"))["s"]
            last = (keep_from - 1) if keep_from is not None else chained.aggregate(s=Max("seq"))["s"]
            if last is None or last <= start_seq:
                return purged
            last = min(last, start_seq + batch_size)
            rows = chained.filter(seq__lte=last).order_by("seq")
            end_seq, end_hash, _, broken = _walk(rows.iterator(chunk_size=2000), start_seq, start_hash)
            if broken is not None or end_seq != last:
                logger.error(
                    "audit purge stopped: the chain is broken at seq %s (%s)",
                    broken and broken.seq,
                    broken and broken.reason,
                )
                return purged
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
                cursor.execute("DELETE FROM tenants_auditlog WHERE seq > %s AND seq <= %s", [start_seq, last])
                deleted = cursor.rowcount
                cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_FLAG])
            AuditCheckpoint.objects.create(seq=last, row_hash=end_hash, purged_rows=deleted, cutoff=cutoff)
        purged += deleted
        logger.info("audit purge: %s rows up to seq %s", deleted, last)
