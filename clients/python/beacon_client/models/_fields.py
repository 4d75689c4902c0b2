"""Parsing helpers for the models: lenient, so a field Beacon leaves out or
sends as null never breaks an answer that is otherwise usable."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def time_of(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def decimal_of(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def dict_of(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def str_of(value: Any) -> str | None:
    return None if value is None else str(value)


def int_of(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
