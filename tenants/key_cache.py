"""API keys that authenticated recently, kept per process.

Looking a key up with its organization and project was the costliest single
step of an acknowledgement (about 2 ms of CPU: one three-table query and
three model instances; docs/benchmarks.md). A hit costs one Redis GET.

A cached key is used only while it is younger than
BEACON_API_KEY_CACHE_SECONDS and the credentials epoch in Redis is the one
it was read under. Every change to a key, a project or an organization bumps
the epoch once its transaction commits (signals below; the trash sends its
own, since it writes with `update()`), so a revoked or deleted key stops
working on the next request in every process, not after the time-to-live.
Without Redis there are no hits: each request reads the database.

What is not seen until the time-to-live ends: a change written with a bare
`QuerySet.update()` outside the trash (none on these models in Beacon's
code paths, except `last_used_at`, which needs no invalidation), and a bump
lost because Redis was down at that moment.

The cached instance is shared by the process's request threads and is read
only; `last_used_at` is the one field authentication writes on it.
"""

import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

from common.redis_client import redis_client
from common.soft_delete import trash_changed
from tenants.models import ApiKey, Organization, Project
from tenants.selectors import api_key_by_raw
from tenants.services import api_key_hash

log = logging.getLogger(__name__)

EPOCH_KEY = "beacon:tenants:credentials-epoch"
MAXSIZE = 4096  # distinct keys a process remembers; the least recently used go first

_entries: OrderedDict[str, tuple[float, int, ApiKey]] = OrderedDict()
_lock = threading.Lock()


def credentials_epoch() -> int | None:
    """The current epoch, or None when Redis cannot say (then nothing is served from the cache)."""
    try:
        value = redis_client().get(EPOCH_KEY)
    except (RedisError, OSError):
        return None
    return int(value or 0)


def credentials_changed() -> None:
    """Every process drops the keys it cached (on its next request)."""
    try:
        redis_client().incr(EPOCH_KEY)
    except (RedisError, OSError):
        log.warning("credentials epoch not bumped (Redis unavailable); cached keys expire on their own")
    with _lock:
        _entries.clear()


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The usable key for a raw value, from this process's cache when it is
    still current, else from the database (api_key_by_raw)."""
    seconds = settings.BEACON_API_KEY_CACHE_SECONDS
    if not seconds:
        return api_key_by_raw(raw_key=raw_key)
    digest = api_key_hash(raw_key)
    epoch = credentials_epoch()
    if epoch is None:
        return api_key_by_raw(raw_key=raw_key)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(digest)
        if hit is not None and hit[1] == epoch and now - hit[0] < seconds:
            _entries.move_to_end(digest)
            cached = hit[2]
            # Expiry is a point in time, not a change anyone writes: checked on every use.
            return cached if cached.is_usable() else None
    key = api_key_by_raw(raw_key=raw_key)
    if key is not None:  # unknown keys are not remembered: guessing must not fill the cache
        with _lock:
            _entries[digest] = (now, epoch, key)
            _entries.move_to_end(digest)
            while len(_entries) > MAXSIZE:
                _entries.popitem(last=False)
    return key


def _changed_on_commit(**_: Any) -> None:
    # After the commit: a process that read the row before it would cache the
    # old values under the new epoch.
    transaction.on_commit(credentials_changed)


def key_cache_signals_connect() -> None:
    for model in (ApiKey, Project, Organization):
        uid = f"beacon-credentials-{model.__name__}"
        post_save.connect(_changed_on_commit, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed_on_commit, sender=model, dispatch_uid=f"{uid}-delete")
        trash_changed.connect(_changed_on_commit, sender=model, dispatch_uid=f"{uid}-trash")
