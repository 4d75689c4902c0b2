"""Encryption at rest for job input (Fernet, rotatable with MultiFernet).

BEACON_ENCRYPTION_KEYS lists Fernet keys newest first: new data is encrypted
with the first, and any listed key decrypts, so rotating is "prepend the new
key, re-encrypt at leisure, drop the old one". Local runs without keys derive
one from SECRET_KEY; production refuses to start without keys (settings).
"""

import base64
import hashlib
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _derived_local_key() -> bytes:
    digest = hashlib.sha256(b"beacon-payload-encryption:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet() -> MultiFernet:
    keys = [k.encode() for k in settings.BEACON_ENCRYPTION_KEYS] or [_derived_local_key()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt_json(value: Any) -> bytes:
    return _fernet().encrypt(json.dumps(value, separators=(",", ":")).encode())


def decrypt_json(token: bytes | memoryview) -> Any:
    return json.loads(_fernet().decrypt(bytes(token)))
