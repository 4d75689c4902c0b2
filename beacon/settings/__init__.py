"""Settings, split by where Beacon runs: base.py holds every value (from the
environment, with local defaults), production.py what production requires
(`BEACON_ENV=production`), test.py what the test suite assumes
(`DJANGO_SETTINGS_MODULE=beacon.settings.test`, set in pyproject.toml).
`beacon.settings` itself is base or production, by BEACON_ENV."""

import os

if os.environ.get("BEACON_ENV") == "production":
    from beacon.settings.production import *  # noqa: F403
else:
    from beacon.settings.base import *  # noqa: F403
