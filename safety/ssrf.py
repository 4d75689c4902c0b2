"""Server-side request forgery: Beacon only calls out to public addresses.

A webhook URL is the one place a customer makes Beacon send a request where
they choose. Resolved naively, `http://169.254.169.254/` (the cloud metadata
service), `http://localhost:5432/` or a name that resolves to a private
address would let a producer probe the inside of the deployment. So:

- the host is resolved once and *every* address it resolves to must be
  public: not private, loopback, link-local (which holds the metadata
  address), multicast, reserved, unspecified or shared (carrier-grade NAT),
  IPv4-mapped IPv6 judged as its IPv4 address;
- the request is then sent to that checked address (Host header and TLS SNI
  keep the name), so a DNS answer that changes between the check and the
  connection (DNS rebinding) cannot redirect it;
- redirects are not followed.

Networks in BEACON_WEBHOOK_ALLOWED_NETWORKS (CIDRs) are allowed anyway: a
deployment that delivers to its own internal services lists them, and the
tests list loopback.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrl(Exception):
    """The URL may not be called: why, for the producer to read."""


@dataclass(frozen=True)
class SafeTarget:
    url: str  # the URL with the checked address in place of the host
    host: str  # the original host, for the Host header and SNI
    address: str


def _allowed(address: IPAddress) -> bool:
    return any(address in ipaddress.ip_network(cidr, strict=False) for cidr in settings.BEACON_WEBHOOK_ALLOWED_NETWORKS)


def address_is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address (mapped, 6to4 in 2002::/16)
        # are judged as that address; site-local fec0::/10 is private.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            address = embedded
        elif address.is_site_local:
            return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"))
    )


def url_check(url: str, *, resolve: bool = True) -> SafeTarget | None:
    """Raise UnsafeUrl unless `url` is http(s) to public addresses only (or
    allow-listed ones). Returns where to connect; None without `resolve`
    (a syntax-only check)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("webhook URLs must be http or https with a host")
    if parts.username or parts.password:
        raise UnsafeUrl("webhook URLs may not carry credentials")
    host = parts.hostname
    try:
        port = parts.port
    except ValueError as exc:  # 99999, or not a number
        raise UnsafeUrl("the webhook URL's port is not a port number (1-65535)") from exc
    if port == 0:
        raise UnsafeUrl("the webhook URL's port is not a port number (1-65535)")
    if not resolve:
        # At intake (no DNS, the acknowledgement stays fast): a literal
        # address is judged now; names are judged when delivered.
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return None
        if not address_is_public(literal) and not _allowed(literal):
            raise UnsafeUrl(f"{literal} is not a public address")
        return None
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeUrl(f"the host {host!r} does not resolve") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if not address_is_public(address) and not _allowed(address):
            # Not which address: a producer must not learn what internal names resolve to.
            raise UnsafeUrl(f"the host {host!r} is not a public address")
    chosen = str(addresses[0])
    netloc = f"[{chosen}]" if ":" in chosen else chosen
    if port:
        netloc += f":{port}"
    pinned = parts._replace(netloc=netloc).geturl()
    return SafeTarget(url=pinned, host=host, address=chosen)
