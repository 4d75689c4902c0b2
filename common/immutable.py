"""Models whose content never changes once saved (prompt and schema versions)."""

from typing import Any, ClassVar

from django.db import models

from common.hashing import content_hash


class ImmutableContentError(Exception):
    """A saved version's content was about to change."""


class ImmutableContent(models.Model):
    """Saves `content_hash` over `content_fields`; a later save that would
    change them raises `immutable_error`. Other fields (a status) may change."""

    content_fields: ClassVar[tuple[str, ...]] = ()
    immutable_error: ClassVar[type[Exception]] = ImmutableContentError
    content_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        computed = self.compute_content_hash()
        if not self._state.adding and computed != self.content_hash:
            raise self.immutable_error(f"{self} is immutable: create a new version instead")
        self.content_hash = computed
        super().save(*args, **kwargs)

    def compute_content_hash(self) -> str:
        return content_hash({field: getattr(self, field) for field in self.content_fields})
