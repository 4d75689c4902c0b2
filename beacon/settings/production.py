"""Production (`BEACON_ENV=production`): as base.py, but secrets have no
defaults and must be set; a missing one stops the process at start."""

from beacon.settings.base import *  # noqa: F403
from beacon.settings.base import env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")
# Fernet keys for the raw input, newest first (base.py says how they rotate).
BEACON_ENCRYPTION_KEYS = env.list("BEACON_ENCRYPTION_KEYS")

# HTTPS: TLS ends at the proxy in front, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health checks and Prometheus call the web container directly, over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
