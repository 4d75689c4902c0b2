import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.immutable import immutable_cached
from validation.models import OutputSchema, SchemaVersion

pytestmark = pytest.mark.django_db


def _version(name: str, version: str = "1.0.0") -> SchemaVersion:
    schema = OutputSchema.objects.create(name=name)
    return SchemaVersion.objects.create(schema=schema, version=version, json_schema={"type": "object"})


def test_a_saved_version_is_read_once_per_process_with_its_content() -> None:
    saved = _version("cached-once")
    with CaptureQueriesContext(connection) as first:
        read = immutable_cached(SchemaVersion, saved.id)
    with CaptureQueriesContext(connection) as second:
        again = immutable_cached(SchemaVersion, saved.id)
    assert len(first.captured_queries) == 1
    assert len(second.captured_queries) == 0
    assert again is read
    assert (read.json_schema, read.rules, read.quality) == (saved.json_schema, saved.rules, saved.quality)


def test_an_unknown_version_raises_like_get_and_is_not_kept() -> None:
    missing = _version("gone").id
    SchemaVersion.objects.filter(id=missing).delete()
    held = immutable_cached.cache_len()  # type: ignore[attr-defined]
    with pytest.raises(SchemaVersion.DoesNotExist):
        immutable_cached(SchemaVersion, missing)
    assert immutable_cached.cache_len() == held  # type: ignore[attr-defined]


def test_each_version_is_held_once_however_often_it_is_read() -> None:
    # The bound and the least-recently-used order are ttl_cache's (common/tests/test_ttl_cache.py).
    immutable_cached.cache_clear()  # type: ignore[attr-defined]
    ids = [_version(f"held-{n}").id for n in range(3)]
    for _ in range(2):
        for pk in ids:
            immutable_cached(SchemaVersion, pk)
    assert immutable_cached.cache_len() == 3  # type: ignore[attr-defined]
