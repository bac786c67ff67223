"""FlixReview settings: every value comes from the environment, with embedded defaults for local use.

`DJANGO_ENV` is `development` (default) or `production`. Production has no insecure defaults:
a missing `SECRET_KEY` or `ALLOWED_HOSTS`, or `DEBUG=true`, stops start-up.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from core.logging import PLAIN_FORMAT, init_sentry


def _env_float(name: str, default: float) -> float:
    raw = env_str(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, got {ENVIRONMENT!r}")
IS_PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env_str("SECRET_KEY") or (
    "" if IS_PRODUCTION else "django-insecure-development-only-key-not-for-production"
)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")

DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
if IS_PRODUCTION and DEBUG:
    # Debug pages show settings, source and tracebacks to anyone who makes a request fail.
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if IS_PRODUCTION and not ALLOWED_HOSTS:
    # Without it every request would get a 400; say so at start-up instead.
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "core",
    "accounts",
    "movies",
    "follows",
    "reviews",
    "activity",
    "lists",
    "comments",
    "feed",
    "notifications",
    "imports",
    "recommendations",
    "web",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "core.middleware.HealthProbeMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.replica.ReplicaPinMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "web.context.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
# Every SQLite database gets these, whether named by SQLITE_PATH or by a sqlite:// DATABASE_URL.
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock up front, so concurrent writers queue instead of
    # failing with "database is locked" when a read transaction upgrades to a write.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def _database(url: str) -> dict[str, Any]:
    database: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        # libpq waits forever for an unreachable host by default; fail the request (and readiness) instead.
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # Options in the URL's query string (?timeout=5) win over the defaults.
        database["OPTIONS"] = {**SQLITE_OPTIONS, **database.get("OPTIONS", {})}
    return database


DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": _database(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
# A streaming replica of the primary for reads (core.replica): after a client writes, it reads from the primary for
# this many seconds (the replica's lag, with room to spare).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 5)
if DATABASE_REPLICA_URL:
    # In tests the replica is the primary's test database.
    DATABASES["replica"] = {**_database(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["core.replica.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "flix")
# The cache only holds what the database can compute again: with Redis unreachable, reads are misses and writes
# are dropped (core.redis_cache). Throttles count in the "throttles" alias: the same Redis, or each process's own
# memory while it is unreachable, so that limits still apply.
if REDIS_URL:
    _redis_options = {
        # A Redis that stops answering costs this long, once per process per second, instead of hanging requests.
        "socket_connect_timeout": _env_float("REDIS_SOCKET_TIMEOUT", 5.0),
        "socket_timeout": _env_float("REDIS_SOCKET_TIMEOUT", 5.0),
    }
    _redis = {"BACKEND": "core.redis_cache.DegradingRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": CACHE_KEY_PREFIX}
    CACHES = {
        "default": {**_redis, "OPTIONS": _redis_options},
        "throttles": {**_redis, "OPTIONS": {**_redis_options, "LOCAL_FALLBACK": True}},
    }
else:
    _local_memory = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "flixreview",
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
    # The same LOCATION: one store in the process for both.
    CACHES = {"default": _local_memory, "throttles": _local_memory}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024)
# Rows of a history import matched and written per transaction (each one a checkpoint the job resumes from).
HISTORY_IMPORT_CHUNK_ROWS = env_int("HISTORY_IMPORT_CHUNK_ROWS", 500)

# --- Internationalisation, static and media -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Bodies larger than this get a 413 instead of being read into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.FilterBackend",
        "core.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "600/minute"),
        "user": env_str("THROTTLE_USER", "1200/minute"),
        "auth": env_str("THROTTLE_AUTH", "10/minute"),
        "comments": env_str("THROTTLE_COMMENTS", "30/minute"),
        "social": env_str("THROTTLE_SOCIAL", "30/minute"),
        "exports": env_str("THROTTLE_EXPORTS", "10/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Behind a reverse proxy the client address is in X-Forwarded-For; count that many proxies.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
if NUM_PROXIES:
    REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry a hash of the password, so changing it revokes every access token at once.
    "CHECK_REVOKE_TOKEN": True,
    "SIGNING_KEY": env_str("JWT_SIGNING_KEY", SECRET_KEY),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "FlixReview API",
    "DESCRIPTION": "Movie catalogue, reviews and recommendations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "ENUM_NAME_OVERRIDES": {},
    # The Swagger UI's files come from drf-spectacular-sidecar, served here: pinned, and working offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- TMDB -----------------------------------------------------------------------------------
TMDB_API_BASE_URL = env_str("TMDB_API_BASE_URL", "https://api.themoviedb.org/3")
TMDB_API_TOKEN = env_str("TMDB_API_TOKEN", "")
TMDB_API_KEY = env_str("TMDB_API_KEY", "")
TMDB_IMAGE_BASE_URL = env_str("TMDB_IMAGE_BASE_URL", "https://image.tmdb.org/t/p/")
TMDB_TIMEOUT = env_int("TMDB_TIMEOUT", 10)
TMDB_RATE_LIMIT = env_int("TMDB_RATE_LIMIT", 40)
TMDB_DOWNLOAD_POSTERS = env_bool("TMDB_DOWNLOAD_POSTERS", default=False)
# Posters are fetched from public addresses only; a local mirror (or a test's image host) needs this.
TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES = env_bool("TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES", default=False)

# --- Recommendations ------------------------------------------------------------------------
RECOMMENDATIONS_CACHE_SECONDS = env_int("RECOMMENDATIONS_CACHE_SECONDS", 60)
# The popular lists (top rated, trending, most reviewed, recently added) are read from figures stored at most this
# many seconds ago: beat refreshes them on this interval, and a read that finds them older refreshes them itself.
# 0 ranks the catalogue on every read (fine for a small one; exact at once after every write).
POPULAR_FIGURES_REFRESH_SECONDS = env_int("POPULAR_FIGURES_REFRESH_SECONDS", 60)
# Public reads (movie, review and genre lists and details) are cached whole for this long, and
# dropped at once by any write that changes them (0 turns the cache off).
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 60)


def _env_positive_int(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1, got {value}")
    return value


# Where build_recommendations writes model artefacts (.npz). Every web worker and the builder must see it.
RECOMMENDER_MODEL_DIR = Path(env_str("RECOMMENDER_MODEL_DIR", str(BASE_DIR / "var" / "recommender")))
# EASE keeps a dense items x items matrix (8 I^2 bytes, O(I^3) to fit); above this many reviewed movies the
# build switches to a sparse item kNN model instead.
RECOMMENDER_EASE_MAX_ITEMS = _env_positive_int("RECOMMENDER_EASE_MAX_ITEMS", 10_000)
RECOMMENDER_EASE_L2 = _env_float("RECOMMENDER_EASE_L2", 500.0)
# Stored content neighbours per movie ("similar movies" and the content half of for-you).
RECOMMENDER_NEIGHBOURS = _env_positive_int("RECOMMENDER_NEIGHBOURS", 50)
# Seconds a web worker trusts the model it holds before checking whether a newer one is active.
RECOMMENDER_VERSION_CHECK_SECONDS = _env_float("RECOMMENDER_VERSION_CHECK_SECONDS", 5.0)
# A build that dies keeps the build lock at most this long.
RECOMMENDER_BUILD_LOCK_SECONDS = _env_positive_int("RECOMMENDER_BUILD_LOCK_SECONDS", 3600)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# Without a broker, tasks run in-process so the service needs nothing else to work.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING below (JSON in production) instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Static schedule for `celery -A config beat`: run exactly one beat process per deployment.
CELERY_BEAT_SCHEDULE = {
    "flush-expired-jwt-tokens": {
        "task": "core.tasks.flush_expired_tokens",
        "schedule": crontab(hour=3, minute=17),
    },
    # Refreshes every movie imported from TMDB; a no-op without TMDB credentials; never two at once (cache lock).
    "sync-tmdb-movies": {
        "task": "imports.tasks.sync_tmdb_movies",
        "schedule": crontab(hour=4, minute=7),
    },
    # Rebuilds "similar movies" and the for-you model after the TMDB sync; a lock skips a run while another
    # build is still going.
    "refresh-popular-figures": {
        "task": "recommendations.tasks.refresh_popular_figures",
        "schedule": max(POPULAR_FIGURES_REFRESH_SECONDS, 1),
    },
    "build-recommendations": {
        "task": "recommendations.tasks.build_recommendations",
        "schedule": crontab(hour=5, minute=23),
    },
}

# --- Health checks --------------------------------------------------------------------------
# Seconds /health/ready waits for the broker before calling it unreachable.
HEALTH_CHECK_TIMEOUT = _env_float("HEALTH_CHECK_TIMEOUT", 2.0)

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: every script and style sheet is a static file of this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https://image.tmdb.org"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# --- Logging --------------------------------------------------------------------------------
# JSON (one object per line, see core/logging.py) in production, plain text in development.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "json" if IS_PRODUCTION else "plain").lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, got {LOG_FORMAT!r}")
# One log line per request from Django. Off by default: gunicorn's access log has those lines.
LOG_REQUESTS = env_bool("LOG_REQUESTS", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "skip_failed_readiness_probes": {"()": "core.logging.SkipFailedReadinessProbes"},
        "skip_answered_database_outages": {"()": "core.logging.SkipAnsweredDatabaseOutages"},
    },
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "plain": {"format": PLAIN_FORMAT},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default handlers (console only under DEBUG, mail_admins) with ours.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["skip_failed_readiness_probes", "skip_answered_database_outages"]},
    },
}

# --- Error reporting ------------------------------------------------------------------------
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT") or ENVIRONMENT,
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=_env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )
