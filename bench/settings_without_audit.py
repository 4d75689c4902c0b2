"""`beacon.settings` without the audit log's middlewares: the bare baseline
that `bench/ack_latency.py --compare-without-audit` alternates with. A
measuring instrument only, never a deployment's settings."""

from beacon.settings import *  # noqa: F403

MIDDLEWARE = [name for name in MIDDLEWARE if not name.startswith("tenants.middleware.")]  # noqa: F405
