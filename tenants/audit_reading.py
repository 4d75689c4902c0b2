"""Reading the audit log: an organization's rows, their representation in
the API and the JSONL export, and the time filters both take
(tenants/audit/ writes and chains the rows)."""

import json
import uuid
from datetime import UTC, datetime
from datetime import time as dt_time
from typing import Any, Protocol

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tenants.audit import audit_chain
from tenants.models import AuditLog


def audit_rows_for_organization(*, organization_id: uuid.UUID) -> QuerySet[AuditLog]:
    """An organization's rows, newest first; never another organization's."""
    return AuditLog.objects.filter(organization_id=organization_id).order_by("-created_at", "-id")


def audit_row_representation(row: AuditLog) -> dict[str, Any]:
    """A row as the API and the export show it (camelCase, ISO times)."""
    return {
        "id": row.id,
        "seq": row.seq,
        "time": row.created_at.isoformat(),
        "kind": row.kind,
        "actor": row.actor,
        "method": row.method or None,
        "route": row.route or None,
        "status": row.status_code,
        "organizationId": str(row.organization_id) if row.organization_id else None,
        "projectId": str(row.project_id) if row.project_id else None,
        "apiKeyId": str(row.api_key_id) if row.api_key_id else None,
        "apiKeyPrefix": row.api_key_prefix or None,
        "role": row.role or None,
        "clientIp": row.client_ip,
        "userAgent": row.user_agent or None,
        "correlationId": row.correlation_id or None,
        "latencyMs": row.latency_ms,
        "bodySha256": row.body_sha256 or None,
        "object": {"model": row.object_model, "pk": row.object_pk} if row.object_model else None,
        "action": row.action or None,
        "beforeHash": row.before_hash or None,
        "afterHash": row.after_hash or None,
        "prevHash": row.prev_hash or None,
        "rowHash": row.row_hash or None,
    }


def audit_time_parse(value: str) -> datetime | None:
    """An ISO 8601 time (naive means UTC) or a date (its midnight UTC); None if neither."""
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = datetime.combine(day, dt_time.min)
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def audit_export(
    *,
    out: Writer,
    organization_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """Write rows as JSON lines in chain order (pending rows, if any, last);
    returns how many. Chains pending rows first, so an export is verifiable."""
    audit_chain()
    rows = AuditLog.objects.order_by(models.F("seq").asc(nulls_last=True), "id")
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    count = 0
    for row in rows.iterator(chunk_size=2000):
        out.write(json.dumps(audit_row_representation(row), ensure_ascii=False) + "\n")
        count += 1
    return count
