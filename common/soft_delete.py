"""Soft delete: a row in the trash keeps all it holds until its grace period
ends, can be restored until then, and is purged after it (jobs/services/trash.py
holds the rules per kind and the purge).

A deleted row is hidden by the selectors that serve it (an API read answers
404, a deleted key does not authenticate, a deleted endpoint gets no
deliveries); the default manager is left alone on purpose, so that the
pipeline, retention and the admin still see every row and nothing changes
underneath code that loads rows by id.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import models
from django.dispatch import Signal
from django.utils import timezone

# Sent with the row's model as sender after a row moves into or out of the
# trash: both write with `update()`, which sends no post_save, and some apps
# keep derived state that must drop the row (tenants' key cache).
trash_changed = Signal()


class RestoreWindowClosed(Exception):
    """The grace period of a deleted row has ended: it can no longer be restored."""


class SoftDeletable(models.Model):
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_by = models.CharField(max_length=200, blank=True)  # a key's prefix or a user's name

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def restorable_until(self) -> datetime | None:
        return restorable_until(self.deleted_at)


def restorable_until(deleted_at: datetime | None) -> datetime | None:
    if deleted_at is None:
        return None
    return deleted_at + timedelta(days=settings.BEACON_TRASH_GRACE_DAYS)


def soft_delete(obj: SoftDeletable, *, by: str, now: datetime | None = None) -> bool:
    """Put `obj` in the trash; False when it was there already (its grace
    period keeps running from the first deletion)."""
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, deleted_at__isnull=True)
        .update(deleted_at=now or timezone.now(), deleted_by=by[:200])
    )
    obj.refresh_from_db(fields=["deleted_at", "deleted_by"])
    if updated:
        trash_changed.send(sender=type(obj), instance=obj)
    return updated == 1


def soft_restore(obj: SoftDeletable, *, now: datetime | None = None) -> bool:
    """Take `obj` out of the trash; False when it was not deleted. Raises
    RestoreWindowClosed once its grace period has ended."""
    until = obj.restorable_until
    if until is None:
        return False
    if until <= (now or timezone.now()):
        raise RestoreWindowClosed(
            f"{obj} was deleted on {obj.deleted_at:%Y-%m-%d}; it could be restored until {until:%Y-%m-%d %H:%M} UTC."
        )
    updated = (
        type(obj)._default_manager.filter(pk=obj.pk, deleted_at=obj.deleted_at).update(deleted_at=None, deleted_by="")
    )
    obj.refresh_from_db(fields=["deleted_at", "deleted_by"])
    if updated:
        trash_changed.send(sender=type(obj), instance=obj)
    return updated == 1


def alive(queryset: "models.QuerySet[Any]") -> "models.QuerySet[Any]":
    """Rows not in the trash."""
    return queryset.filter(deleted_at__isnull=True)


def trash_restore_action(modeladmin: Any, request: Any, queryset: "models.QuerySet[Any]") -> None:
    """Admin action: take the selected rows out of the trash (within their
    grace period); moving rows there goes through the trash API's rules."""
    restored, closed = 0, []
    for obj in queryset.filter(deleted_at__isnull=False):
        try:
            restored += soft_restore(obj)
        except RestoreWindowClosed as exc:
            closed.append(str(exc))
    modeladmin.message_user(request, f"{restored} restored from the trash.", messages.SUCCESS)
    for message in closed:
        modeladmin.message_user(request, message, messages.WARNING)


trash_restore_action.short_description = "Restore from the trash"  # type: ignore[attr-defined]
