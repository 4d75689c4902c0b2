import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import immutable
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
    with pytest.raises(SchemaVersion.DoesNotExist):
        immutable_cached(SchemaVersion, missing)
    assert (SchemaVersion._meta.label, missing) not in immutable._SAVED


def test_the_cache_keeps_at_most_its_bound_dropping_the_least_recently_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(immutable, "_SAVED_MAX", 2)
    monkeypatch.setattr(immutable, "_SAVED", type(immutable._SAVED)())
    first, second, third = (_version(f"bound-{n}").id for n in range(3))
    immutable_cached(SchemaVersion, first)
    immutable_cached(SchemaVersion, second)
    immutable_cached(SchemaVersion, first)  # now the most recently read
    immutable_cached(SchemaVersion, third)
    kept = {pk for _, pk in immutable._SAVED}
    assert kept == {first, third}
