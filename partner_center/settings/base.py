"""Settings shared by every environment; each value comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from core.job_limits import BROKER_VISIBILITY_TIMEOUT

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Only for the embedded default (`make run`, tests); production refuses it.
EMBEDDED_SECRET_KEY = "insecure-embedded-default-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", EMBEDDED_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "partner_center",
    "core",
    "creators",
    "notifications",
    "leads",
    "routing",
    "followup",
    "im",
    "integrations",
    "demo",
]

MIDDLEWARE = [
    # /healthz (readiness), /healthz/live (liveness) and /metrics, before the host check.
    "partner_center.probes.ProbeMiddleware",
    # A request id, one log line and the metrics per request (probes are not logged).
    "partner_center.request_log.RequestLogMiddleware",
    # TRACE and other methods nobody serves: 405 before any view (never a "safe" page).
    "partner_center.method_guard.MethodGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "partner_center.middleware.content_security_policy.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.replica.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Bad input answers 400 naming the field, and the admin's list with a message, never 500.
    "partner_center.middleware.bad_input.NullCharacterRefusalMiddleware",
    "partner_center.middleware.bad_input.ValidationErrorBadRequestMiddleware",
    "partner_center.middleware.admin_repairs.AdminInvalidActionIdsMiddleware",
    "partner_center.middleware.admin_repairs.AdminInvalidFilterValueMiddleware",
    # The admin's search box: at most 8 words of 100 characters (core/search.py).
    "partner_center.admin_search.AdminSearchCapMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partner_center.urls"
WSGI_APPLICATION = "partner_center.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partner_center.context_processors.navigation",
                "partner_center.context_processors.rules",
            ],
        },
    },
]

# An empty DATABASE_URL counts as unset, as an empty REDIS_URL does.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'partner_center.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A reused connection is checked before each request, so a restarted database
        # costs one retry instead of a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Behind PgBouncer in transaction pooling (docker-compose.yml), consecutive transactions of
# one Django connection may run on different server sessions: a server-side cursor (DECLARE,
# which `.iterator()` uses on PostgreSQL) would not survive its transaction, so turn them off.
# Session state is otherwise safe here: the only SET is `SET LOCAL` (the refreshes' work_mem),
# and no session advisory locks (the job lease is a row: core/locks.py) or LISTEN are used.
# CONN_MAX_AGE still saves the connect to PgBouncer.
if env_bool("DATABASE_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# Optional: a PostgreSQL streaming replica for the read-heavy pages and lists that ask for it
# (core/replica.py: the pool list and export, the directory, dashboard and stats).
# Unset, there is no `replica` alias and no router, and every query goes to `default`.
DATABASE_ROUTERS = []
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
    # A replica that does not answer within 3 s counts as down (its reads go to the primary).
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    # Tests read the replica's copy of the test database (the standby replays its creation).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.PrimaryReplicaRouter"]
# A client that has just written reads from the primary for this long (read your own writes).
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "5"))
# A replica further behind than this (or unreachable) is skipped: its reads go to the primary,
# with a log line and pc_replica_fallbacks_total (core/replica.py). Checked every few seconds.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
REPLICA_CHECK_SECONDS = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What every request selects with its user (sessions and tokens alike): who they work for,
# that partner's pool version (leads.pool_version.LOADED_WITH_USER: read requests use this
# copy), which creator they are.
USER_RELATIONS = ["partner_staff__partner__lead_pool_version", "creator"]

# Sessions in the database, only keys Django issues (core/sessions.py); with Redis, read through it.
SESSION_ENGINE = "core.sessions"

# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "partner_center.auth.LockoutBackend",
    "partner_center.auth.PartnerCenterBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# How many reverse proxies (load balancer, nginx) stand in front of the app and append to
# X-Forwarded-For. 0 (the default) trusts no proxy: the client address is REMOTE_ADDR and a
# client-supplied X-Forwarded-For is ignored. Throttles and lockouts both key on this address
# (core.auth.client_ip and DRF's NUM_PROXIES follow the same rule).
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# The product's business calendar: tiers refresh at 02:00 on the 2nd in this zone.
PARTNER_CENTER_TIME_ZONE = os.environ.get("PARTNER_CENTER_TIME_ZONE", "America/Los_Angeles")
# How long a creator's licensed data stays visible to the partner after a request.
AUTHORIZATION_DAYS = 7

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: unauthenticated API calls then answer 401 with WWW-Authenticate.
        "core.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Its page size is core.pagination's one rule, which the Leads Pool page follows too.
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "NUM_PROXIES": NUM_PROXIES,
    # DRF's parsers, but JSON that is nested too deep or holds NUL characters is a 400.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("THROTTLE_TOKEN", "20/min"),
        "collaboration_request": os.environ.get("THROTTLE_COLLABORATION_REQUEST", "30/min"),
        "message": os.environ.get("THROTTLE_MESSAGE", "120/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "LIVE Partner Center API",
    "DESCRIPTION": (
        "Leads Pool, collaboration requests, TTSPC IM and the creator-stats feed for LIVE "
        "creator service partners."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several serializers have a `status`; name the lead pipeline's enum once for all of them.
    "ENUM_NAME_OVERRIDES": {
        "LeadStatusEnum": "leads.models.LeadStatus",
        "WebhookKindEnum": "integrations.models.WebhookEndpoint.Kind",
        "WebhookEventTypeEnum": "integrations.models.EventType",
    },
    # Served from this project's static files (no CDN), loaded without inline scripts.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: Redis when REDIS_URL is set, otherwise a broker on the local file system so that
# `make run` needs no server at all.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task taken by a worker that died is redelivered after this, not Redis's default hour:
    # a little over the longest job time limit (core/job_limits.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
else:
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Kombu's broadcast (pidbox) files; under VAR_DIR, never in the source tree.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = PARTNER_CENTER_TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One beat only, enforced: a second refuses to start (partner_center/beat.py). It ticks at
# least once a minute, so its heartbeat file says it is alive.
CELERY_BEAT_SCHEDULER = "partner_center.beat.SingletonScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
# The schedule: one entry per job, each with a comment and an expiry (settings/schedule.py).
from .schedule import CELERY_BEAT_SCHEDULE  # noqa: E402, F401  (beat reads it from here)
from .webhooks import *  # noqa: E402, F403  (WEBHOOKS_*: outbound webhooks, webhooks.py)

# One cache for every process (throttles, lockouts, figures, sessions): Redis when REDIS_URL is set.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.PooledRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pc"),
        }
    }
    SESSION_ENGINE = "core.sessions_cached"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Brute force (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# client address, every login for that pair is refused (the right password too) until
# AXES_COOLOFF_MINUTES pass without another try. It covers /accounts/login/, /admin/login/ and
# POST /api/v1/auth/token/, as all three authenticate through Django's authenticate().
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.auth.client_ip"
AXES_LOCKOUT_CALLABLE = "partner_center.auth.lockout_response"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Failure counts live where every process sees them: the Redis cache when there is one, the
# database otherwise (a local-memory cache would give each process its own count).
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)

# API tokens (django-rest-knox): stored hashed, one per client, each with a fixed life.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", str(7 * 24)))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# Issuing a token beyond this many live ones for a user retires that user's oldest.
API_TOKENS_PER_USER = int(os.environ.get("API_TOKENS_PER_USER", "10"))

# Email: SMTP when EMAIL_HOST is set; otherwise every message is a file under var/mail/, so
# `make run` and the demo show what was sent. Tests use Django's in-memory (locmem) backend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# Empty counts as unset (compose passes every variable, empty when not given).
EMAIL_USE_TLS = (
    os.environ.get("EMAIL_USE_TLS") or ("true" if EMAIL_HOST else "false")
).lower() in {"1", "true", "yes"}
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "LIVE Partner Center <no-reply@partner-center.local>"
)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# The public address of the site, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# /metrics (Prometheus): the addresses (or networks) that may scrape it, and/or a bearer token.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Logs go to the console: readable lines by default (make run, tests), JSON lines with
# LOG_FORMAT=json (production's default): core/logging.py.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower() or "text"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "text": {"()": "core.logging.TextFormatter"},
    },
    "filters": {"context": {"()": "core.logging.ContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failed logins and lockouts are warnings; each successful login is not worth a line.
        "axes": {"level": "WARNING"},
        # Each request is one line of partner_center.request, with its duration: Django's own
        # per-request warnings (404s, 400s) would repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}
# Celery keeps this logging (JSON lines in production) instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
