"""The audit log's two middlewares (tenants/audit/ has the log itself).

AuditRequestMiddleware sits right inside the correlation id middleware, so
its latency covers every other middleware and the view, and the correlation
id is still set when it writes. AuditActorMiddleware sits after Django's
authentication middleware, where the admin user is known, and makes changes
in the admin view run under the actor `admin:<username>`.
"""

import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from tenants.audit import RequestRecord, audit_actor, audit_request_defer, sha256_hex
from tenants.models import ApiKey

logger = logging.getLogger(__name__)
ADMIN_PREFIX = "/admin/"
API_PREFIX = "/api/"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
USER_AGENT_MAX = 256

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def trusted_networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"BEACON_TRUSTED_PROXIES: {exc}") from exc


def _parse_ip(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(remote_addr: str, forwarded_for: str, trusted: tuple[IPNetwork, ...]) -> str | None:
    """The client's address as the trusted proxies saw it.

    REMOTE_ADDR unless it is a trusted proxy; then X-Forwarded-For from the
    right, skipping trusted addresses: the first untrusted one is the
    client. Anything left of it was written by the client and proves
    nothing. An unreadable entry stops the walk at the last trusted hop.
    """
    address = _parse_ip(remote_addr)
    if address is None:
        return None
    if not forwarded_for:
        return str(address)
    for hop in reversed(forwarded_for.split(",")):
        if not any(address in network for network in trusted):
            break
        parsed = _parse_ip(hop)
        if parsed is None:
            break
        address = parsed
    return str(address)


def _is_audited(request: HttpRequest) -> bool:
    path = request.path_info
    return path.startswith(API_PREFIX) or (path.startswith(ADMIN_PREFIX) and request.method in WRITE_METHODS)


def _body_sha256(request: HttpRequest) -> str:
    """SHA-256 of the body, read before the view (a view that streams it in
    leaves nothing to read after). Bodies above the request size limit are
    refused by the API unread, and not read here either."""
    length = request.META.get("CONTENT_LENGTH") or ""
    if not length.isdecimal() or not 0 < int(length) <= settings.BEACON_MAX_REQUEST_BYTES:
        return ""
    try:
        return sha256_hex(request.body)
    except Exception:  # an unreadable body is the view's to answer, not ours
        return ""


class AuditRequestMiddleware:
    """One audit row per API request, and per write under /admin/: after the
    response is computed, one INSERT that never fails the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        trusted_networks(tuple(settings.BEACON_TRUSTED_PROXIES))  # a bad setting fails at start

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _is_audited(request):
            return self.get_response(request)
        body_sha256 = _body_sha256(request)
        received_at = timezone.now()
        started = time.perf_counter()
        response = self.get_response(request)
        latency_ms = round((time.perf_counter() - started) * 1000)
        try:
            record = self._record(request, response, received_at, latency_ms, body_sha256)
        except Exception as exc:  # never let the audit trail break an answer
            logger.warning("audit row not written for %s: %s", request.method, type(exc).__name__)
            return response
        # Written once the answer has left (when the server closes the
        # response), so the insert is not part of any acknowledgement's latency.
        audit_request_defer(record=record, response=response)
        return response

    def _record(
        self, request: HttpRequest, response: HttpResponseBase, received_at: datetime, latency_ms: int, body: str
    ) -> RequestRecord:
        match = request.resolver_match
        trusted = trusted_networks(tuple(settings.BEACON_TRUSTED_PROXIES))
        record = RequestRecord(
            received_at=received_at,
            method=request.method or "",
            route=match.route if match is not None else "",
            status_code=response.status_code,
            latency_ms=latency_ms,
            client_ip=client_ip(
                request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted
            ),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            body_sha256=body,
        )
        # Set by ApiKeyAuthentication once DRF authenticated the request.
        api_key = getattr(request, "beacon_api_key", None)
        if isinstance(api_key, ApiKey):
            return replace(
                record,
                actor=f"api-key:{api_key.prefix}",
                organization_id=api_key.organization_id,
                project_id=api_key.project_id,
                api_key_id=api_key.id,
                api_key_prefix=api_key.prefix,
                role=api_key.role,
            )
        user = getattr(request, "user", None)
        if request.path_info.startswith(ADMIN_PREFIX) and user is not None and user.is_authenticated:
            return replace(record, actor=f"admin:{user.get_username()}")
        return record


class AuditActorMiddleware:
    """Admin requests by an authenticated staff user run under the actor
    `admin:<username>`: the change receivers (tenants/audit/) then write a
    change row for every object the request creates, updates or deletes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if not request.path_info.startswith(ADMIN_PREFIX) or user is None or not user.is_staff:
            return self.get_response(request)
        with audit_actor(f"admin:{user.get_username()}"):
            return self.get_response(request)
