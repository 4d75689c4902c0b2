"""Models whose content never changes once saved (prompt and schema versions)."""

import math
from typing import Any, ClassVar, TypeVar

from django.db import models

from common.hashing import content_hash
from common.ttl_cache import ttl_cache


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


M = TypeVar("M", bound=ImmutableContent)


@ttl_cache(seconds=math.inf, maxsize=1024)
def immutable_cached(model: type[M], pk: Any) -> M:
    """A saved version read once per process and then kept (the 1,024 most
    recently read): its content fields never change, so every later read is
    a copy of the first. Only the content fields (and the id) may be read
    from what this returns; a field outside them (a version's status) may be
    stale. Raises the model's DoesNotExist like `get`, and keeps nothing then."""
    return model._default_manager.get(pk=pk)
