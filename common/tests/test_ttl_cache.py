"""The intake's per-process cache: values expire, and keys taken from
requests cannot grow it without bound."""

import time

from common.ttl_cache import ttl_cache


def test_a_value_is_served_until_it_expires():
    calls = []

    @ttl_cache(seconds=0.05)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    assert square(3) == 9 and square(3) == 9 and calls == [3]
    time.sleep(0.06)
    assert square(3) == 9 and calls == [3, 3]


def test_the_least_recently_used_key_goes_when_the_cache_is_full():
    calls = []

    @ttl_cache(seconds=60, maxsize=3)
    def echo(key: str) -> str:
        calls.append(key)
        return key

    for key in ("a", "b", "c"):
        echo(key)
    echo("a")  # used again: "b" is now the oldest
    for i in range(1000):
        echo(f"request-{i}")
    assert echo.cache_len() == 3  # type: ignore[attr-defined]
    calls.clear()
    echo("request-999")
    assert calls == []  # still cached
    echo("b")
    assert calls == ["b"]  # dropped long ago
