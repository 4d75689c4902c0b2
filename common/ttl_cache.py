"""A small per-process cache with a time-to-live and a size bound, for hot
read paths (intake) that read rarely-changing rows: a label move or a new
schema version is seen within `seconds`, at the cost of one query per key
per interval. Keys come from requests (template names, labels), so the
cache holds at most `maxsize` of them and drops the least recently used."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def ttl_cache(seconds: float, maxsize: int = 1024) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        entries: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        lock = threading.Lock()  # request threads share the process; the call itself runs unlocked

        @wraps(function)
        def wrapper(*args: Any) -> Any:
            now = time.monotonic()
            with lock:
                hit = entries.get(args)
                if hit is not None and now - hit[0] < seconds:
                    entries.move_to_end(args)
                    return hit[1]
            value = function(*args)
            with lock:
                entries[args] = (now, value)
                entries.move_to_end(args)
                while len(entries) > maxsize:
                    entries.popitem(last=False)
            return value

        wrapper.cache_clear = entries.clear  # type: ignore[attr-defined]
        wrapper.cache_len = entries.__len__  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
