"""The audit log: writing rows (writing.py) and the hash chain with its
verification and retention (chain.py)."""

from tenants.audit.chain import BrokenLink, VerifyReport, audit_chain, audit_purge, audit_verify
from tenants.audit.writing import (
    AUDIT_SKIP_MODELS,
    RequestRecord,
    audit_actor,
    audit_request_defer,
    audit_signals_connect,
    command_audit_install,
    sha256_hex,
)

__all__ = [
    "AUDIT_SKIP_MODELS",
    "BrokenLink",
    "RequestRecord",
    "VerifyReport",
    "audit_actor",
    "audit_chain",
    "audit_purge",
    "audit_request_defer",
    "audit_signals_connect",
    "audit_verify",
    "command_audit_install",
    "sha256_hex",
]
