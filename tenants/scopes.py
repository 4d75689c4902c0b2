"""What a credential may touch: scopes, on top of its role.

A role says how much a key may do (viewer reads, editor writes, admin
administers); scopes say where. A key or an OAuth token with no scopes listed
may use every scope its role allows, which is how keys made before scopes
keep working. A view names its family (`scope_family = "generations"`); a safe
method needs `<family>:read`, anything else `<family>:write`.
"""

from collections.abc import Iterable
from enum import StrEnum


class Scope(StrEnum):
    GENERATIONS_READ = "generations:read"
    GENERATIONS_WRITE = "generations:write"
    TEMPLATES_READ = "templates:read"
    TEMPLATES_WRITE = "templates:write"
    SCHEMAS_READ = "schemas:read"
    SCHEMAS_WRITE = "schemas:write"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"
    USAGE_READ = "usage:read"
    METRICS_READ = "metrics:read"
    AUDIT_READ = "audit:read"
    KEYS_READ = "keys:read"
    KEYS_WRITE = "keys:write"
    HOLDS_READ = "holds:read"
    HOLDS_WRITE = "holds:write"
    TRASH_READ = "trash:read"
    TRASH_WRITE = "trash:write"


ALL_SCOPES: frozenset[Scope] = frozenset(Scope)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class UnknownScope(ValueError):
    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(f"Unknown scope(s): {', '.join(names)}. Known: {', '.join(sorted(ALL_SCOPES))}.")


def scopes_parse(values: Iterable[str] | str | None) -> frozenset[Scope] | None:
    """Scopes from a list or a space-separated string (OAuth's form); None
    stays None (every scope). Unknown names raise UnknownScope."""
    if values is None:
        return None
    names = values.split() if isinstance(values, str) else list(values)
    unknown = sorted({name for name in names if name not in ALL_SCOPES})
    if unknown:
        raise UnknownScope(unknown)
    return frozenset(Scope(name) for name in names)


def scope_for(*, family: str, method: str) -> Scope | None:
    """The scope a request needs: `<family>:read` for safe methods, else
    `:write`; None when the family has no such scope (a write to a read-only
    family such as usage: the view answers 405 to it anyway)."""
    name = f"{family}:{'read' if method.upper() in SAFE_METHODS else 'write'}"
    return Scope(name) if name in ALL_SCOPES else None


def scopes_allow(granted: frozenset[str] | None, needed: Scope | None) -> bool:
    """Whether `granted` (None: every scope) holds `needed`; a scope that does
    not exist is held only by a credential holding every scope."""
    return granted is None or (needed is not None and needed in granted)
