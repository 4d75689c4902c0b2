"""The trash: soft delete with restore, and the purge after the grace period.

Six kinds of rows can be deleted: jobs, results (a job's result alone),
output schemas, webhook endpoints, projects and API keys. Deleting one sets
`deleted_at` (common/soft_delete.py); it is hidden from then on (reads answer
404, a deleted key or a key of a deleted project does not authenticate, a
deleted endpoint gets no deliveries) and can be restored for
BEACON_TRASH_GRACE_DAYS. After that, beat's `trash_purge` removes it for good:

- a job keeps its row (status, times, cost: usage and invoices still add up)
  but loses its content: raw input, result, events, webhook bodies, subject
  identifiers, its archive document and the review task's copies of the
  output. A legal hold keeps all of it until lifted.
- a result alone is emptied the way retention empties it (`result_purged`).
- schemas, endpoints, projects and keys are deleted; one that something
  kept still points at (a project with jobs, a schema a template version
  uses) stays in the trash, hidden, and the purge says so in its count.

What may be deleted: ended jobs only (a running one is cancelled first); a
schema no live template version uses; never an organization's last project.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.utils import timezone

from common.api import Conflict
from common.soft_delete import RestoreWindowClosed, SoftDeletable, soft_delete, soft_restore
from jobs.models import (
    Job,
    JobArchive,
    JobEvent,
    JobPayload,
    JobResult,
    StorageTier,
    SubjectIdentifier,
    WebhookDelivery,
    WebhookEndpoint,
)
from jobs.ports import review_port
from jobs.services.legal_holds import unheld
from jobs.services.retention import EVENTS_PURGE_FLAG
from jobs.services.tiers import archive_storage
from tenants.models import ApiKey, Organization, Project, Role
from validation.models import OutputSchema
from validation.schemas import SchemaRegistryError, schema_delete

logger = logging.getLogger(__name__)

__all__ = [
    "RestoreWindowClosed",
    "TrashKind",
    "trash_items",
    "trash_lookup",
    "trash_purge",
    "trash_put",
    "trash_restore",
]


class TrashKind(StrEnum):
    JOB = "job"
    RESULT = "result"
    SCHEMA = "schema"
    WEBHOOK_ENDPOINT = "webhookEndpoint"
    PROJECT = "project"
    KEY = "key"


KIND_CHOICES = [(kind.value, kind.value) for kind in TrashKind]

# Deleting jobs, results and schemas is an editor's work; endpoints, projects
# and keys change who can reach the organization, so they need an admin.
ROLE_NEEDED = {
    TrashKind.JOB: Role.EDITOR,
    TrashKind.RESULT: Role.EDITOR,
    TrashKind.SCHEMA: Role.EDITOR,
    TrashKind.WEBHOOK_ENDPOINT: Role.ADMIN,
    TrashKind.PROJECT: Role.ADMIN,
    TrashKind.KEY: Role.ADMIN,
}
# Kinds that belong to the organization rather than one project: a key limited
# to a project may not delete them.
ORGANIZATION_WIDE = frozenset({TrashKind.SCHEMA, TrashKind.PROJECT, TrashKind.KEY})


def _queryset(kind: TrashKind, organization_id: Any, project_id: Any = None) -> QuerySet[Any]:
    """Every row of `kind` the organization owns (in the trash or not),
    within one project when `project_id` is given."""
    if kind == TrashKind.JOB:
        jobs = Job.objects.filter(organization_id=organization_id, content_purged_at__isnull=True)
        return jobs.filter(project_id=project_id) if project_id else jobs
    if kind == TrashKind.RESULT:
        results = JobResult.objects.filter(job__organization_id=organization_id, purged_at__isnull=True)
        return results.filter(job__project_id=project_id) if project_id else results
    if kind == TrashKind.WEBHOOK_ENDPOINT:
        endpoints = WebhookEndpoint.objects.filter(project__organization_id=organization_id)
        return endpoints.filter(project_id=project_id) if project_id else endpoints
    model: type[Model] = {TrashKind.SCHEMA: OutputSchema, TrashKind.PROJECT: Project, TrashKind.KEY: ApiKey}[kind]
    return model._default_manager.filter(organization_id=organization_id)


def trash_lookup(*, kind: TrashKind, organization_id: Any, object_id: Any, project_id: Any = None) -> Any:
    """The organization's row of `kind` with that id (a result: its job's
    id), deleted or not; None when there is none."""
    field = "job_id" if kind == TrashKind.RESULT else "pk"
    try:
        return _queryset(kind, organization_id, project_id).filter(**{field: object_id}).first()
    except (ValueError, TypeError, DjangoValidationError):  # not an id of that kind
        return None


def _check_deletable(kind: TrashKind, obj: Any) -> None:
    if kind == TrashKind.JOB and not obj.is_terminal:
        raise Conflict(
            f"The job is {obj.status}; cancel it first (DELETE /api/v1/generations/{obj.id}).", code="invalid_state"
        )
    if kind == TrashKind.RESULT and (not obj.job.is_terminal or obj.output is None):
        raise Conflict("The job has no result to delete.", code="invalid_state")
    if kind == TrashKind.PROJECT:
        others = Project.objects.filter(organization_id=obj.organization_id, deleted_at__isnull=True).exclude(pk=obj.pk)
        if not others.exists():
            raise Conflict("An organization keeps at least one project.", code="last_project")


def trash_put(*, kind: TrashKind, obj: SoftDeletable, by: str) -> bool:
    """Move a row to the trash; False when it was there already."""
    if kind == TrashKind.SCHEMA:
        try:
            return schema_delete(schema=obj, deleted_by=by)  # type: ignore[arg-type]
        except SchemaRegistryError as exc:
            raise Conflict(exc.message, code=exc.code) from exc
    _check_deletable(kind, obj)
    return soft_delete(obj, by=by)


def trash_restore(*, kind: TrashKind, obj: SoftDeletable) -> bool:
    """Take a row out of the trash within its grace period (RestoreWindowClosed
    after it); False when it was not deleted."""
    if kind == TrashKind.RESULT and obj.deleted_at is not None and obj.purged_at is not None:  # type: ignore[attr-defined]
        raise RestoreWindowClosed("The result was purged.")
    return soft_restore(obj)


@dataclass(frozen=True)
class TrashItem:
    kind: TrashKind
    id: str
    label: str
    deleted_at: datetime
    deleted_by: str
    restorable_until: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "id": self.id,
            "label": self.label,
            "deletedAt": self.deleted_at.isoformat(),
            "deletedBy": self.deleted_by,
            "restorableUntil": self.restorable_until.isoformat(),
        }


def _label(kind: TrashKind, obj: Any) -> str:
    if kind == TrashKind.JOB:
        return f"{obj.task_kind} job ({obj.status})"
    if kind == TrashKind.RESULT:
        return f"result of {obj.job.task_kind} job {obj.job_id}"
    if kind == TrashKind.WEBHOOK_ENDPOINT:
        return obj.url
    if kind == TrashKind.KEY:
        return f"{obj.name or 'key'} ({obj.prefix}...)"
    return str(obj.name)


def trash_items(*, organization: Organization, project_id: Any = None) -> list[TrashItem]:
    """What the organization has in the trash, newest deletion first."""
    items: list[TrashItem] = []
    for kind in TrashKind:
        if project_id and kind in ORGANIZATION_WIDE:
            continue
        rows = _queryset(kind, organization.pk, project_id).filter(deleted_at__isnull=False)
        if kind == TrashKind.RESULT:
            rows = rows.select_related("job")
        for obj in rows.order_by("-deleted_at")[:500]:
            items.append(
                TrashItem(
                    kind,
                    str(obj.job_id if kind == TrashKind.RESULT else obj.pk),
                    _label(kind, obj),
                    obj.deleted_at,
                    obj.deleted_by,
                    obj.restorable_until,
                )
            )
    return sorted(items, key=lambda item: item.deleted_at, reverse=True)


# --- the purge ---------------------------------------------------------------


def _jobs_purge(job_ids: list[Any], now: datetime) -> int:
    """Empty the content of these jobs (locked, still unheld) in one transaction."""
    keys: list[str] = []
    with transaction.atomic():
        locked = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(unheld(), pk__in=job_ids, content_purged_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not locked:
            return 0
        JobPayload.objects.filter(job_id__in=locked).update(raw=b"", working=None, purged_at=now)
        JobResult.objects.filter(job_id__in=locked).update(output=None, validation={}, purged_at=now)
        WebhookDelivery.objects.filter(job_id__in=locked).update(payload="", payload_purged_at=now)
        SubjectIdentifier.objects.filter(job_id__in=locked).delete()
        archives = JobArchive.objects.filter(job_id__in=locked)
        # A warm document goes; a cold job's member stays inside its monthly
        # archive (archives are never rewritten) but loses its index row, so
        # nothing can restore it, and it goes with the archive's own end.
        keys = list(archives.filter(cold_archive__isnull=True).values_list("key", flat=True))
        archives.delete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [EVENTS_PURGE_FLAG])
            JobEvent.objects.filter(job_id__in=locked).delete()
            cursor.execute("SELECT set_config(%s, 'off', true)", [EVENTS_PURGE_FLAG])
        review_port().forget(job_ids=locked)
        Job.objects.filter(pk__in=locked).update(
            content_purged_at=now,
            storage_tier=StorageTier.HOT,
            raw_purge_at=None,
            result_purge_at=None,
            events_purge_at=None,
            webhook_payload_purge_at=None,
        )
    for key in keys:
        try:
            archive_storage().delete(key)
        except OSError as exc:  # the row is gone: a leftover object is unreadable garbage, not data loss
            logger.warning("archive object %s was not deleted: %s", key, exc)
    return len(locked)


def _rows_delete(rows: QuerySet[Any]) -> tuple[int, int]:
    """Delete rows one by one; (deleted, kept because something points at them)."""
    deleted = kept = 0
    for row in rows:
        try:
            with transaction.atomic():
                _delete_row(row)
            deleted += 1
        except ProtectedError:
            kept += 1
    return deleted, kept


def _delete_row(row: Model) -> None:
    if isinstance(row, OutputSchema):
        row.versions.all().delete()  # raises ProtectedError while a template version or a job uses one
    row.delete()


def trash_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Beat: purge what has been in the trash longer than the grace period.
    Idempotent; returns counts per kind (`<kind>Kept`: still referenced)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BEACON_TRASH_GRACE_DAYS)
    counts: dict[str, int] = {}
    job_ids = list(
        Job.objects.filter(deleted_at__lt=cutoff, content_purged_at__isnull=True).values_list("pk", flat=True)[
            : settings.BEACON_RETENTION_BATCH
        ]
    )
    counts["job"] = _jobs_purge(job_ids, now) if job_ids else 0
    results = JobResult.objects.filter(unheld("job__"), deleted_at__lt=cutoff, purged_at__isnull=True)
    counts["result"] = results.update(output=None, validation={}, purged_at=now)
    models: tuple[tuple[TrashKind, type[Model]], ...] = (
        (TrashKind.WEBHOOK_ENDPOINT, WebhookEndpoint),
        (TrashKind.KEY, ApiKey),
        (TrashKind.SCHEMA, OutputSchema),
        (TrashKind.PROJECT, Project),
    )
    for kind, model in models:
        rows = model._default_manager.filter(deleted_at__lt=cutoff)
        counts[kind.value], counts[f"{kind.value}Kept"] = _rows_delete(rows)
    return counts
