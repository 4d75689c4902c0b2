"""What the sync and the async client share: headers, timeouts and the retry
policy. Sending stays in each client; the decisions live here, once."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from beacon_client._version import __version__
from beacon_client.errors import APIConnectionError, BeaconError, ConfigurationError, error_from_response

USER_AGENT = f"beacon-client/{__version__}"
DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# A stream sends a comment line at least every 15 s: a read that waits much
# longer than that has lost its connection.
STREAM_READ_TIMEOUT = 45.0

# 429 and 503 mean the request was refused before anything happened (Beacon's
# rate limiter and load shedding use up nothing), so any request may be sent
# again. 502 and 504 come from a proxy that may have passed the request on:
# only requests that are safe to repeat are retried after those.
REFUSED = frozenset({429, 503})
MAYBE_APPLIED = frozenset({502, 504})
# Errors that no wait fixes.
PERMANENT_CODES = frozenset({"budget_exhausted"})
_jitter = secrets.SystemRandom()


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before sending a failed request again.

    Waits grow exponentially (`backoff`, doubled each time, at most
    `max_backoff`) with jitter, so many clients refused at once do not come
    back at once; a `Retry-After` from Beacon wins, up to `max_retry_after`.
    """

    max_retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.max_backoff, self.backoff * 2**attempt)
        return _jitter.uniform(ceiling / 2, ceiling)


def should_retry_response(response: httpx.Response, *, idempotent: bool) -> bool:
    if response.status_code in REFUSED:
        return error_from_response(response).code not in PERMANENT_CODES
    return idempotent and response.status_code in MAYBE_APPLIED


def should_retry_exception(exc: httpx.TransportError, *, idempotent: bool) -> bool:
    """A connection that never opened carried nothing: safe for every request.
    Anything later (a read timeout, a reset) may have reached Beacon."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    return idempotent


def base_headers(api_key: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {api_key}",
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
    }


def request_headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Per request: a fresh `X-Request-ID` (kept over its retries, so Beacon's
    logs tie the attempts together)."""
    return {"X-Request-ID": uuid.uuid4().hex, **(extra or {})}


def check_settings(api_key: str | None, base_url: str | None) -> tuple[str, str]:
    if not api_key:
        raise ConfigurationError(
            "No API key: pass api_key=, set BEACON_API_KEY or run `beacon config set key <key>`.",
            code="no_api_key",
        )
    return api_key, (base_url or DEFAULT_URL).rstrip("/")


def follow_url(base_url: str, link: str) -> str:
    """A `links.next` Beacon sent, sent back to the host this client talks to:
    behind a proxy Beacon may name itself by an inner host name."""
    absolute = urljoin(base_url + "/", link)
    base, target = urlsplit(base_url), urlsplit(absolute)
    if (target.scheme, target.netloc) == (base.scheme, base.netloc):
        return absolute
    return urlunsplit((base.scheme, base.netloc, target.path, target.query, ""))


def connection_error(exc: httpx.TransportError, *, method: str, url: str, attempts: int) -> BeaconError:
    return APIConnectionError(
        f"{method} {url} failed after {attempts} attempt(s): {type(exc).__name__}: {exc}",
        code="connection_error",
    )
