"""A tiny per-process cache with a time-to-live, for hot read paths (intake)
that read rarely-changing rows: a label move or a new schema version is seen
within `seconds`, at the cost of one query per key per interval."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def ttl_cache(seconds: float) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        entries: dict[Any, tuple[float, Any]] = {}

        @wraps(function)
        def wrapper(*args: Any) -> Any:
            now = time.monotonic()
            hit = entries.get(args)
            if hit is not None and now - hit[0] < seconds:
                return hit[1]
            value = function(*args)
            entries[args] = (now, value)
            return value

        wrapper.cache_clear = entries.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
