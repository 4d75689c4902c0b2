"""Content hashes for immutable, versioned data (prompt versions, schema versions)."""

import hashlib
import json
from typing import Any


def content_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of a canonical JSON form of `fields` (keys sorted, ids as text)."""
    material = json.dumps(
        {key: (str(value) if key.endswith("_id") and value is not None else value) for key, value in fields.items()},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()
