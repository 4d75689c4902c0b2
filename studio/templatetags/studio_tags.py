"""Filters the studio's templates use."""

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def pretty_json(value: Any) -> str:
    """A JSON value as indented text (autoescaped by the template)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


@register.filter
def percent(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):.1%}"
