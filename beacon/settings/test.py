"""`make test`: as base.py, with what every test assumes unless it says
otherwise (a test that needs the other value sets it itself). Workers the
tests start get these too (DJANGO_SETTINGS_MODULE is inherited)."""

import tempfile

from beacon.settings.base import *  # noqa: F403

# The suite's own key: fixed, so every test process derives the same secrets.
SECRET_KEY = "beacon-test-suite-only"  # noqa: S105 - used by the tests alone

# Tests move labels and add schema versions and expect the next request to see them.
BEACON_INTAKE_CACHE_SECONDS = 0
BEACON_API_KEY_CACHE_SECONDS = 0
BEACON_RETENTION_POLICY_CACHE_SECONDS = 0
# Each test run archives into a directory of its own; a real worker a test
# starts is given the test's directory (BEACON_TEST_ARCHIVE_DIR), to share it.
STORAGES["archive"]["OPTIONS"] = {  # noqa: F405
    "location": env.str("BEACON_TEST_ARCHIVE_DIR", default="") or tempfile.mkdtemp(prefix="beacon-archive-")  # noqa: F405
}
# The audit sample picks random jobs for review; a test picks its own.
BEACON_REVIEW_SAMPLING = False
# Webhooks go to public addresses only; the tests' receivers listen on
# loopback, which they allow-list (as a deployment would its own receivers).
BEACON_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
# Moving production needs a passing golden-set run; tests of labels are about
# labels, and the launch gate's own tests turn it on.
BEACON_EVAL_LAUNCH_GATE = False
# The operations endpoints' token (beacon/ops.py), and no scrape cache: each
# test reads what it just wrote.
BEACON_OPS_TOKEN = "test-ops-token"  # noqa: S105 - the suite's own, not a secret
BEACON_METRICS_CACHE_SECONDS = 0
