"""The data lifecycle's settings: retention windows, storage tiers, the
trash's grace period and the archive storage (docs/operations.md, Privacy).
Imported by base.py."""

from beacon.settings.environment import RUNTIME_DIR, env

# Raw input (encrypted) is purged this long after a job ends, unless on legal hold.
BEACON_RAW_RETENTION_HOURS = env.int("BEACON_RAW_RETENTION_HOURS", default=24 * 30)
# A webhook delivery's body (a copy of the result) is emptied this long after
# the delivery ended; the result itself goes after BEACON_RESULT_RETENTION_DAYS.
# Legal hold keeps both (jobs/services/retention.py).
BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS = env.int("BEACON_WEBHOOK_PAYLOAD_RETENTION_DAYS", default=30)
BEACON_RESULT_RETENTION_DAYS = env.int("BEACON_RESULT_RETENTION_DAYS", default=365)
# Results purged per run (each gets an event; the hourly run takes the rest).
BEACON_RETENTION_BATCH = env.int("BEACON_RETENTION_BATCH", default=5000)
# Retention policies (RetentionPolicy rows, jobs/services/retention_policies.py)
# are read at each job's end; a process keeps them this long.
BEACON_RETENTION_POLICY_CACHE_SECONDS = env.int("BEACON_RETENTION_POLICY_CACHE_SECONDS", default=60)
# Storage tiers (jobs/services/tiers.py): a job ended this many days ago moves
# its result and events to object storage (the "archive" storage below), its
# searchable metadata staying in PostgreSQL; 0 turns the move off.
BEACON_WARM_AFTER_DAYS = env.int("BEACON_WARM_AFTER_DAYS", default=90)
BEACON_TIER_BATCH = env.int("BEACON_TIER_BATCH", default=1000)
# A warm job ended this many days ago goes cold: into its organization's
# monthly compressed archive (a tar.gz with a manifest of checksums); reading
# it needs `manage.py storage_tiers restore`. 0 turns the move off.
BEACON_COLD_AFTER_DAYS = env.int("BEACON_COLD_AFTER_DAYS", default=365)
# Warm jobs taken per cold run (one archive part per organization and month).
BEACON_COLD_BATCH = env.int("BEACON_COLD_BATCH", default=10000)
# Soft delete (jobs/services/trash.py): what is deleted can be restored for
# this many days, then beat purges it for good.
BEACON_TRASH_GRACE_DAYS = env.int("BEACON_TRASH_GRACE_DAYS", default=30)
# The archive: the local filesystem under .beacon/ by default; in production
# an S3-compatible store, e.g. BEACON_ARCHIVE_BACKEND=storages.backends.s3.S3Storage
# with AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and credentials (django-storages).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "archive": {
        "BACKEND": env.str("BEACON_ARCHIVE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": (
            {"location": env.str("BEACON_ARCHIVE_DIR", default=str(RUNTIME_DIR / "archive"))}
            if env.str("BEACON_ARCHIVE_BACKEND", default="FileSystemStorage").endswith("FileSystemStorage")
            else {}
        ),
    },
}
