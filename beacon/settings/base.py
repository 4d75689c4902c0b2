"""Beacon's settings: 12-factor, every value from the environment, with the
defaults a local run uses (production.py and test.py change what differs).

Local runs need no configuration at all: without DATABASE_URL / REDIS_URL the
embedded servers that `make run` and `make test` start are used (their
addresses are written to `.beacon/services.env`, read below).
"""

import os
import secrets

from django.core.exceptions import ImproperlyConfigured

from beacon.settings.database import database_settings
from beacon.settings.environment import BASE_DIR, REDIS_URL, RUNTIME_DIR, env  # noqa: F401 (REDIS_URL is a setting)

BEACON_ENV = env.str("BEACON_ENV", default="local")
PRODUCTION = BEACON_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _local_secret_key() -> str:
    """A random key made once per checkout (RUNTIME_DIR/secret_key, mode
    0600) and shared by every process run from it. There is no default key:
    a public one would also give away the encryption key, fence tokens and
    canaries derived from it. Production sets DJANGO_SECRET_KEY
    (production.py refuses to start without it)."""
    path = RUNTIME_DIR / "secret_key"
    if not path.exists():
        RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"secret_key.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: when processes start together, the first key wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or ("" if PRODUCTION else _local_secret_key())
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "django_prometheus",
    "oauth2_provider",
    "tenants",
    "prompts",
    "validation",
    "safety",
    "llm",
    "jobs",
    "review",
    "evals",
    "studio",
]

MIDDLEWARE = [
    # HTTP metrics per view (beacon/metrics.py): first and last, so they time the whole request.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "common.correlation.CorrelationIdMiddleware",
    # One audit row per API request (and admin write): inside the correlation
    # id, so its latency covers the view and every middleware below.
    "tenants.middleware.AuditRequestMiddleware",
    "beacon.middleware.RateLimitHeadersMiddleware",
    # A query parameter the OpenAPI document does not declare is a 400 (beacon/query_parameters.py).
    "beacon.query_parameters.UnknownQueryParametersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves admin and Swagger UI assets from gunicorn; no separate web server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Failed staff sign-ins are counted; past the limit the form answers 429.
    "tenants.login_throttle.LoginThrottleMiddleware",
    # Admin changes by staff users are audited as `admin:<username>` (needs request.user).
    "tenants.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "beacon.urls"
WSGI_APPLICATION = "beacon.wsgi.application"
# The web tier runs this one (docker/gunicorn.conf.py, make run).
ASGI_APPLICATION = "beacon.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Content-Security-Policy (django-csp): the admin, the review pages and the
# API docs load scripts only from this origin (no inline scripts: the review
# page's shortcuts and Swagger UI's set-up are static files), nothing embeds
# Beacon in a frame, and forms post only back to it. Inline styles stay
# allowed: Django's admin and Swagger UI set a few `style` attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Connection lifetime, health checks, timeouts and what PgBouncer's
# transaction mode needs: beacon/settings/database.py says why for each.
DATABASES = {
    "default": database_settings(
        env.db("DATABASE_URL", default="postgresql://postgres@127.0.0.1:5432/beacon"),
        # "pgbouncer" when DATABASE_URL points at PgBouncer in transaction
        # mode (deploy/kubernetes/ sets it): no server-side cursors or
        # prepared statements, and CONN_MAX_AGE 0 unless set below.
        pooler=env.str("DATABASE_POOLER", default=""),
        # Unset: 60 s straight to PostgreSQL, 0 behind PgBouncer.
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", default=None),
    )
}
# The ASGI web server runs requests on this many long-lived threads per
# process (beacon/asgi.py); each keeps one persistent connection, so a web
# process holds at most this many plus one.
BEACON_WEB_THREADS = env.int("BEACON_WEB_THREADS", default=8)

# Template tests that call a model (`execute`), per API key, counted in Redis
# across web processes (prompts/playground.py): keep them to a trickle.
BEACON_TEMPLATE_TEST_RATE = env.str("BEACON_TEMPLATE_TEST_RATE", default="30/min")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["tenants.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.permissions.IsViewer"],
    "DEFAULT_PARSER_CLASSES": ["common.api.LimitedJSONParser"],
    # Per organization (its tier) and per API key, sliding window in Redis.
    "DEFAULT_THROTTLE_CLASSES": ["tenants.rate_limits.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

# --- OAuth 2.0 client credentials (tenants/oauth.py) ---------------------------
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "tenants.oauth.ClientScopes",
    # Short-lived: a leaked token is worth minutes, and services fetch a new
    # one with their client secret (RFC 6749 4.4 issues no refresh token).
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=900),
    # Only the token's SHA-256 is stored (RFC 9700 4.14), as for API keys.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Beacon API",
    "DESCRIPTION": "Asynchronous AI jobs for BeaconCMS: submit, poll, cancel, read events.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The schema and Swagger UI are public; the endpoints they describe are not.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI's assets come from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Two components have a `kind` field with their own choices: name the trash's.
    "ENUM_NAME_OVERRIDES": {"TrashKindEnum": "jobs.services.trash.KIND_CHOICES"},
    # Links from each create to the operations that take what it created
    # (beacon/openapi.py), after the default enum hook.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "beacon.openapi.openapi_links"],
}

# --- Celery (beacon/settings/celery_config.py) -----------------------------
from beacon.settings.celery_config import *  # noqa: E402, F403

# --- Beacon -----------------------------------------------------------------
# Bodies larger than this are refused with 413 before they are parsed.
BEACON_MAX_REQUEST_BYTES = env.int("BEACON_MAX_REQUEST_BYTES", default=256 * 1024)
from beacon.settings.lifecycle import *  # noqa: E402, F403 (retention, tiers, trash, the archive)

# Stripe keeps idempotency keys for 24 hours; so do we, at least.
BEACON_IDEMPOTENCY_TTL_HOURS = env.int("BEACON_IDEMPOTENCY_TTL_HOURS", default=24)
# Batches (jobs/services/batches.py): lines per upload, the upload's size,
# and the window a batch's jobs must finish in (OpenAI's and Anthropic's is 24 h).
BEACON_BATCH_MAX_LINES = env.int("BEACON_BATCH_MAX_LINES", default=50_000)
BEACON_BATCH_MAX_BYTES = env.int("BEACON_BATCH_MAX_BYTES", default=100 * 1024 * 1024)
BEACON_BATCH_COMPLETION_HOURS = env.int("BEACON_BATCH_COMPLETION_HOURS", default=24)
# A stage whose message was published this long ago without being picked up is
# published again (lost publish: committed job, message never reached Redis).
BEACON_SWEEP_AFTER_SECONDS = env.int("BEACON_SWEEP_AFTER_SECONDS", default=120)
# A stage the sweeper or the reaper had to send again this many times (its
# worker dies on it every time) is dead-lettered instead (jobs/services/recovery.py).
BEACON_MAX_STAGE_RECOVERIES = env.int("BEACON_MAX_STAGE_RECOVERIES", default=5)
# Model calls: time limits of the generate stage, and its lease (how long a
# claimed stage may run before the reaper hands it to another worker). The
# lease outlasts the hard limit so a live worker is never reaped.
BEACON_GENERATE_SOFT_TIME_LIMIT = env.int("BEACON_GENERATE_SOFT_TIME_LIMIT", default=240)
BEACON_GENERATE_TIME_LIMIT = env.int("BEACON_GENERATE_TIME_LIMIT", default=270)
BEACON_STAGE_LEASE_SECONDS = env.int("BEACON_STAGE_LEASE_SECONDS", default=300)
# A model call still running after this long gives its worker's database
# connection back (a long call must not hold a connection slot); quicker
# calls (cache hits, fast models) keep it and skip a reconnect.
BEACON_WORKER_ASYNC_COMMIT = env.bool("BEACON_WORKER_ASYNC_COMMIT", default=True)  # see beacon/celery.py
BEACON_DB_RELEASE_AFTER_MS = env.int("BEACON_DB_RELEASE_AFTER_MS", default=250)
# Transient errors (timeouts, 429, 5xx, connection) are retried this often,
# with exponential backoff capped at BEACON_RETRY_BACKOFF_MAX and full jitter.
BEACON_STAGE_MAX_RETRIES = env.int("BEACON_STAGE_MAX_RETRIES", default=4)
BEACON_RETRY_BACKOFF_MAX = env.int("BEACON_RETRY_BACKOFF_MAX", default=60)
# The validate stage may send a job back to generate with the errors as
# feedback: three generations at most (small, small again, then large).
BEACON_MAX_GENERATIONS = env.int("BEACON_MAX_GENERATIONS", default=3)
# After this many invalid outputs the next generation runs on the large tier.
LLM_ESCALATE_AFTER_FAILURES = env.int("LLM_ESCALATE_AFTER_FAILURES", default=2)
# Prompt-injection input scan (safety/injection.py): at or above the block score
# a job fails before any model sees it; at or above the flag score it is flagged.
BEACON_INJECTION_BLOCK_SCORE = env.float("BEACON_INJECTION_BLOCK_SCORE", default=0.9)
BEACON_INJECTION_FLAG_SCORE = env.float("BEACON_INJECTION_FLAG_SCORE", default=0.5)
# The injection classifier (safety/classifier.py) scores passages 0-1; its own
# thresholds, chosen on half of the clean product records so that the input
# layers together flag under 1% of them (docs/security.md has the figures).
BEACON_INJECTION_CLASSIFIER_BLOCK = env.float("BEACON_INJECTION_CLASSIFIER_BLOCK", default=0.995)
BEACON_INJECTION_CLASSIFIER_FLAG = env.float("BEACON_INJECTION_CLASSIFIER_FLAG", default=0.97)
# How often a process looks for a newly activated injection rule set (safety/patterns.py).
BEACON_INJECTION_PATTERNS_REFRESH_SECONDS = env.float("BEACON_INJECTION_PATTERNS_REFRESH_SECONDS", default=30)
# The gate a new injection rule set passes before activation (evals/pattern_gate.py).
BEACON_PATTERN_GATE_MAX_RECALL_DROP = env.float("BEACON_PATTERN_GATE_MAX_RECALL_DROP", default=0.01)
BEACON_PATTERN_GATE_MAX_CLEAN_FLAG = env.float("BEACON_PATTERN_GATE_MAX_CLEAN_FLAG", default=0.01)
BEACON_PATTERN_GATE_CLEAN_LIMIT = env.int("BEACON_PATTERN_GATE_CLEAN_LIMIT", default=3000)
# A passage scored at least this taints the URLs, contacts and codes it holds:
# the output may not repeat them (safety/output_scan.py, tainted_echo). Lower
# than the flag: the cost of a taint is only a cut token.
BEACON_INJECTION_TAINT_SCORE = env.float("BEACON_INJECTION_TAINT_SCORE", default=0.5)
# How untrusted spans are set apart in every prompt: "fence" (per-job
# markers), "datamark" (markers, and every space inside written as U+02C6,
# common/text.py), or empty for each kind's own choice (kind.json "safety").
BEACON_SPOTLIGHTING = env.str("BEACON_SPOTLIGHTING", default="")
if BEACON_SPOTLIGHTING not in ("", "fence", "datamark"):
    raise ImproperlyConfigured(f"BEACON_SPOTLIGHTING must be fence, datamark or empty, not {BEACON_SPOTLIGHTING!r}")
# False puts the input layers in monitor mode: they score and record, never act
# (used to measure what every later layer stops; also a safe way to roll out
# new patterns).
BEACON_INJECTION_ENFORCE = env.bool("BEACON_INJECTION_ENFORCE", default=True)
# Content policy: empty URL means the built-in local policy (safety/content_policy.py).
BEACON_CONTENT_POLICY_URL = env.str("BEACON_CONTENT_POLICY_URL", default="")
BEACON_CONTENT_POLICY_TIMEOUT_SECONDS = env.float("BEACON_CONTENT_POLICY_TIMEOUT_SECONDS", default=2.0)
BEACON_CONTENT_POLICY_FLAG_SCORE = env.float("BEACON_CONTENT_POLICY_FLAG_SCORE", default=0.5)
# Moderation: a policy category scored at least this blocks; a lower flag asks for review.
BEACON_MODERATION_BLOCK_SCORE = env.float("BEACON_MODERATION_BLOCK_SCORE", default=0.8)
# Human review (review/): overdue tasks are escalated (priority + 1, a log line
# and this webhook when set) at most once per this many minutes each.
BEACON_REVIEW_ESCALATION_WEBHOOK = env.str("BEACON_REVIEW_ESCALATION_WEBHOOK", default="")
BEACON_REVIEW_ESCALATION_MINUTES = env.int("BEACON_REVIEW_ESCALATION_MINUTES", default=15)
# Launch gates (evals/gates.py) per dataset kind, judged on the 95% interval's
# pessimistic end. The product's ceilings: hallucination of grounded fields
# under 2% on the golden set, injection success under 0.5% on the adversarial
# set; coverage keeps abstention from passing.
BEACON_EVAL_GATES = env.json(
    "BEACON_EVAL_GATES",
    default={
        "golden": {"hallucinationRate": {"max": 0.02}, "coverage": {"min": 0.8}},
        "adversarial": {"injectionSuccessRate": {"max": 0.005}},
    },
)
# The golden dataset whose passing run a version needs before the production
# label may point at it (prompts.services.label_set); false turns the check off.
BEACON_EVAL_GOLDEN_DATASET = env.str("BEACON_EVAL_GOLDEN_DATASET", default="golden")
BEACON_EVAL_LAUNCH_GATE = env.bool("BEACON_EVAL_LAUNCH_GATE", default=True)
# Online monitors (evals/monitors.py): live jobs of the last `windowMinutes`
# per template version (and per deployment), once a group has `minJobs`
# settled jobs. A rate breaches only when its whole 95% interval is past the
# threshold, so a noisy hour does not page anyone. Breaches of the
# `rollbackOn` metrics move production back to the previous version for
# templates with auto_rollback.
BEACON_EVAL_MONITORS = env.json(
    "BEACON_EVAL_MONITORS",
    default={
        "windowMinutes": 60,
        "minJobs": 20,
        "thresholds": {
            "validationPassRate": {"min": 0.9},
            "reviewRate": {"max": 0.3},
            "rejectionRate": {"max": 0.2},
            "refusalRate": {"max": 0.05},
            "injectionBlockRate": {"max": 0.05},
            "costPerJobUsd": {"max": 0.05},
            "p95LatencySeconds": {"max": 600},
            "slaWithin2Minutes": {"min": 0.8},
            "slaWithin10Minutes": {"min": 0.95},
        },
        "rollbackOn": ["validationPassRate", "rejectionRate", "refusalRate"],
    },
)
# Injection findings and blocks per template version and organization against
# the group's own baseline (evals/injection_monitor.py); alerts as above.
BEACON_INJECTION_MONITOR = env.json(
    "BEACON_INJECTION_MONITOR",
    default={
        "windowMinutes": 60,
        "baselineHours": 24,
        "minJobs": 20,
        "minFindings": 5,
        "factor": 3.0,
        "minDelta": 0.05,
    },
)
# Alerts go to the log always and, when set, to this webhook (JSON POST).
BEACON_EVAL_ALERT_WEBHOOK = env.str("BEACON_EVAL_ALERT_WEBHOOK", default="")
# Share of completed generation jobs the large tier grades (evals/judge.py);
# 0 turns the judge off. It costs a large-tier call per graded job.
BEACON_EVAL_JUDGE_RATE = env.float("BEACON_EVAL_JUDGE_RATE", default=0.0)
BEACON_EVAL_JUDGE_MAX_PER_RUN = env.int("BEACON_EVAL_JUDGE_MAX_PER_RUN", default=20)
# The random audit sample of otherwise low-risk jobs (rates per kind in review/data).
BEACON_REVIEW_SAMPLING = env.bool("BEACON_REVIEW_SAMPLING", default=True)
# Staff sign-in: this many failures per username or client address within
# the window, and the login form answers 429 (tenants/login_throttle.py).
BEACON_LOGIN_FAILURES_ALLOWED = env.int("BEACON_LOGIN_FAILURES_ALLOWED", default=5)
BEACON_LOGIN_FAILURE_WINDOW_SECONDS = env.int("BEACON_LOGIN_FAILURE_WINDOW_SECONDS", default=900)
# The operator token for /metrics and /api/v1/health/detailed (beacon/ops.py);
# unset, those answer no one. `make run` makes one and prints it.
BEACON_OPS_TOKEN = env.str("BEACON_OPS_TOKEN", default="")
# One scrape's table aggregates serve the scrapes of this many seconds.
BEACON_METRICS_CACHE_SECONDS = env.int("BEACON_METRICS_CACHE_SECONDS", default=10)
# A stage task runs the inline stages it makes due on its own queue at once
# instead of sending them through the broker (jobs/services/publishing.py).
BEACON_STAGE_CHAINING = env.bool("BEACON_STAGE_CHAINING", default=True)
# Intake caches template labels and schema versions per process for 5 s (a
# label move is seen within that); 0 turns the cache off (tests do).
BEACON_INTAKE_CACHE_SECONDS = env.int("BEACON_INTAKE_CACHE_SECONDS", default=5)
# Authenticated API keys are kept per process this long, and dropped at once
# when any key, project or organization changes (tenants/key_cache.py); 0
# reads every request's key from the database (tests do).
BEACON_API_KEY_CACHE_SECONDS = env.int("BEACON_API_KEY_CACHE_SECONDS", default=30)
# Taxonomy tagging offers a job at most this many categories (prompts/taxonomy.py).
BEACON_TAXONOMY_CANDIDATES = env.int("BEACON_TAXONOMY_CANDIDATES", default=30)
# Taxonomy tagging: the model chooses among the retrieval's best few paths.
BEACON_TAXONOMY_SHORTLIST = env.int("BEACON_TAXONOMY_SHORTLIST", default=5)
# Worked examples shown before an enrichment or tagging job's input, chosen by
# similarity (prompts/fewshot.py); 0 shows none (docs/prompts.md says why).
BEACON_FEW_SHOT_EXAMPLES = env.int("BEACON_FEW_SHOT_EXAMPLES", default=0)
# Retrieval's first path stands unless its score leads the second's by less
# than this ratio; then the model's choice decides (prompts/taxonomy.py).
BEACON_TAXONOMY_MODEL_DECIDES_BELOW = env.float("BEACON_TAXONOMY_MODEL_DECIDES_BELOW", default=1.0)
# Extraction: a candidate whose cue scores at least this (product field 1.0,
# spec line 0.9-0.95, size pattern 0.85-0.9, brand cues 0.6-0.7, a bare
# lexicon match 0.5) is delivered even when the model does not choose it;
# below it, the model's choice decides. 0.6 was chosen on the golden set's
# development part, where the small default model chose worse than the cues
# (docs/evaluation.md); above 1.0 only the model's choices are delivered.
BEACON_EXTRACTION_ACCEPT_SCORE = env.float("BEACON_EXTRACTION_ACCEPT_SCORE", default=0.6)
# The Shopify Standard Product Taxonomy, read in place for attribute lexicons
# and category attribute sets (validation/lexicons.py); absent: built-in lexicons.
BEACON_SHOPIFY_TAXONOMY_DIR = env.path(
    "BEACON_SHOPIFY_TAXONOMY_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "shopify-product-taxonomy-2024-07")
)
BEACON_WEBHOOK_TIMEOUT_SECONDS = env.float("BEACON_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# API rate limits per organization tier and per key (tenants/rate_limits.py).
BEACON_RATE_LIMITS = env.bool("BEACON_RATE_LIMITS", default=True)
# Load shedding: while the stage queues hold more than this many messages,
# new low-priority submissions get 503 with Retry-After; normal and high ones
# are still accepted (a burst queues, it does not fail). 0 turns it off.
BEACON_SHED_QUEUE_DEPTH = env.int("BEACON_SHED_QUEUE_DEPTH", default=5000)
# options.mode = "sync" waits this long for the job by default (then 202).
BEACON_SYNC_TIMEOUT_SECONDS = env.float("BEACON_SYNC_TIMEOUT_SECONDS", default=30.0)
# An SSE stream ends after this long; clients reconnect with Last-Event-ID.
BEACON_STREAM_MAX_SECONDS = env.float("BEACON_STREAM_MAX_SECONDS", default=300.0)
# Model tokens on the event stream as they arrive (jobs/token_feed.py), for
# deployments that stream; provisional until validation ends.
BEACON_STREAM_TOKENS = env.bool("BEACON_STREAM_TOKENS", default=True)
# Open streams and sync-mode waits per organization, across every web
# process (common/slots.py); past the cap: 429 with Retry-After. Waiting
# costs no thread under ASGI, but each holds a socket and some memory.
BEACON_MAX_STREAMS_PER_ORGANIZATION = env.int("BEACON_MAX_STREAMS_PER_ORGANIZATION", default=100)
BEACON_MAX_SYNC_WAITS_PER_ORGANIZATION = env.int("BEACON_MAX_SYNC_WAITS_PER_ORGANIZATION", default=25)
# Webhooks go to public addresses only (safety/ssrf.py); these networks (CIDRs)
# are allowed anyway, e.g. a deployment's own internal receivers.
BEACON_WEBHOOK_ALLOWED_NETWORKS = env.list("BEACON_WEBHOOK_ALLOWED_NETWORKS", default=[])
# After a secret rotation the previous secret keeps signing this long.
BEACON_WEBHOOK_SECRET_OVERLAP_HOURS = env.int("BEACON_WEBHOOK_SECRET_OVERLAP_HOURS", default=24)

# --- Audit log (tenants/audit/, docs/security.md#audit-log) ---------------
# Proxies (CIDRs) whose X-Forwarded-For is believed: the client address is the
# first untrusted one from the right. Empty: REMOTE_ADDR, and the header is
# ignored (a client can write anything into it).
BEACON_TRUSTED_PROXIES = env.list("BEACON_TRUSTED_PROXIES", default=[])
# Rows older than this are purged hourly; a checkpoint keeps the rest of the
# chain verifiable. 400 days covers a yearly audit with a month to spare.
BEACON_AUDIT_RETENTION_DAYS = env.int("BEACON_AUDIT_RETENTION_DAYS", default=400)

# Raw job input is stored encrypted (Fernet). Comma-separated keys, newest
# first: MultiFernet decrypts with any and encrypts with the first, which is
# how keys rotate. Local runs derive one from SECRET_KEY.
BEACON_ENCRYPTION_KEYS = env.list("BEACON_ENCRYPTION_KEYS", default=[])

# --- Model gateway (beacon/settings/model_gateway.py) ------------------------
from beacon.settings.model_gateway import *  # noqa: E402, F403

# --- Logging ----------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# JSON lines by default (one object per line: time, level, logger, message,
# correlation id, job id, stage, organization); LOG_FORMAT=plain for reading
# in a terminal. The PII filter sits on the handler, so every line passes it.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "correlation": {"()": "common.correlation.CorrelationIdFilter"},
        "pii": {"()": "safety.logging.PiiRedactingFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s %(job_id)s %(stage)s %(org)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["correlation", "pii"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "LiteLLM": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
