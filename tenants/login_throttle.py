"""Staff sign-in is throttled. The admin and the review queue sit behind
Django's login form, and nothing else stops a password being guessed: after
BEACON_LOGIN_FAILURES_ALLOWED failed attempts for one username, or from one
client address, within BEACON_LOGIN_FAILURE_WINDOW_SECONDS, further attempts
get 429 until the window has passed. Counting is in Redis, shared by every
web process; with Redis down sign-in is not blocked (the failure is logged).
"""

import logging
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.api import error_body
from common.redis_client import redis_client
from tenants.middleware import client_ip, trusted_networks

logger = logging.getLogger(__name__)

KEY_PREFIX = "beacon:login-failures:"
LOGIN_PATH = "/admin/login/"


def _keys(request: HttpRequest, username: str) -> list[str]:
    trusted = trusted_networks(tuple(settings.BEACON_TRUSTED_PROXIES))
    ip = client_ip(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted)
    keys = [f"{KEY_PREFIX}ip:{ip or 'unknown'}"]
    if username:
        keys.append(f"{KEY_PREFIX}user:{username.strip().lower()[:150]}")
    return keys


def login_failure_record(sender: Any = None, credentials: Any = None, request: Any = None, **_: Any) -> None:
    """Django's `user_login_failed` receiver."""
    if request is None:
        return
    username = str((credentials or {}).get("username") or "")
    window = settings.BEACON_LOGIN_FAILURE_WINDOW_SECONDS
    try:
        pipe = redis_client().pipeline(transaction=False)
        for key in _keys(request, username):
            pipe.incr(key)
            pipe.expire(key, window, nx=True)
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("a failed sign-in was not counted: %s", type(exc).__name__)


def login_throttled(request: HttpRequest, username: str) -> bool:
    try:
        counts = redis_client().mget(_keys(request, username))
    except redis.RedisError:
        return False
    return any(int(count or 0) >= settings.BEACON_LOGIN_FAILURES_ALLOWED for count in counts)


class LoginThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signing_in = request.method == "POST" and request.path == LOGIN_PATH
        if signing_in and login_throttled(request, str(request.POST.get("username", ""))):
            window = settings.BEACON_LOGIN_FAILURE_WINDOW_SECONDS
            body = error_body("rate_limited", "Too many failed sign-ins; try again later.")
            return JsonResponse(body, status=429, headers={"Retry-After": str(window)})
        return self.get_response(request)
