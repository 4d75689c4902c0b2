"""Where settings come from: the checkout, its runtime folder, and the
environment, with the addresses the embedded servers wrote (`make run`,
`make test`) read in first. Every settings module reads `env` from here."""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RUNTIME_DIR = Path(os.environ.get("BEACON_RUNTIME_DIR", BASE_DIR / ".beacon"))

# The embedded runtime writes the addresses of the servers it started here, so
# management commands run from the checkout reach the same servers. Variables
# already in the environment win (django-environ never overrides them).
_services_env = RUNTIME_DIR / "services.env"
if _services_env.exists():
    environ.Env.read_env(str(_services_env))

env = environ.Env()

# The Redis server: cache, rate limits, slots, pub/sub, and the default broker.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
