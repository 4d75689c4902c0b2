"""Production (`BEACON_ENV=production`): as base.py, but secrets have no
defaults and must be set; a missing one stops the process at start."""

from beacon.settings.base import *  # noqa: F403
from beacon.settings.base import env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")
# Fernet keys for the raw input, newest first (base.py says how they rotate).
BEACON_ENCRYPTION_KEYS = env.list("BEACON_ENCRYPTION_KEYS")
