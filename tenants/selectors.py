"""Reads for tenants."""

from tenants.models import ApiKey
from tenants.services import api_key_hash


def api_key_by_raw(*, raw_key: str) -> ApiKey | None:
    """The usable key matching a raw value, with its organization and project loaded."""
    key = ApiKey.objects.select_related("organization", "project").filter(key_hash=api_key_hash(raw_key)).first()
    if key is None or not key.is_usable():
        return None
    return key
