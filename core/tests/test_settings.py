"""Settings as the environment sets them. Settings are module-level, so each case runs in a subprocess."""

import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = BASE_DIR / ".env.example"

# Variables in .env.example that only docker compose reads.
COMPOSE_ONLY = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "FLIX_HTTP_PORT", "FLIX_IMAGE_TAG"}
COMPOSE_ONLY |= {"CELERY_WORKER_CONCURRENCY"}


def env_example_values() -> dict[str, str]:
    """The KEY=value lines of .env.example that are set (not commented out)."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            values[match.group(1)] = match.group(2)
    return values


def env_example_names() -> set[str]:
    """Every variable .env.example documents, set or commented out."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


def base_env(**overrides) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def settings_in(env: dict[str, str], *names: str) -> dict:
    """The values of settings `names` when Django starts with exactly `env`."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "test-only-" + "k3y" * 20,
    "ALLOWED_HOSTS": "api.example.com",
}


# --- .env.example ---------------------------------------------------------------------------


def test_env_example_documents_every_variable_the_settings_read():
    read = set()
    for source in (BASE_DIR / "config" / "settings.py", BASE_DIR / "gunicorn.conf.py"):
        text = source.read_text()
        read |= set(re.findall(r"env_(?:str|int|bool|list|float)\(\s*\"([A-Z][A-Z0-9_]*)\"", text))
        read |= set(re.findall(r"_int\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
        read |= set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "SENTRY_DSN", "GUNICORN_WORKERS"} <= read
    missing = read - env_example_names()
    assert not missing, f".env.example does not document {sorted(missing)}"
    unknown = env_example_names() - read - COMPOSE_ONLY
    assert not unknown, f".env.example documents variables nothing reads: {sorted(unknown)}"


def test_every_env_example_variable_has_a_comment():
    """Each variable (or group of adjacent variables) has a comment line right above it."""
    variable = re.compile(r"#? ?([A-Z][A-Z0-9_]*)=.*")
    lines = ENV_EXAMPLE.read_text().splitlines()
    for number, line in enumerate(lines):
        match = variable.fullmatch(line)
        if not match:
            continue
        above = number - 1
        while above >= 0 and variable.fullmatch(lines[above]):
            above -= 1
        assert above >= 0 and lines[above].startswith("# "), f"{match.group(1)} has no comment above it"


def test_check_deploy_is_clean_with_the_env_example_values():
    env = base_env(**env_example_values())
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# --- production refuses to start misconfigured ----------------------------------------------


def test_production_without_secret_key_fails_at_start_up():
    env = base_env(**{**PRODUCTION, "SECRET_KEY": None})
    result = run([sys.executable, "manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_production_with_empty_secret_key_fails_at_start_up():
    result = run([sys.executable, "manage.py", "check"], base_env(**{**PRODUCTION, "SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_fails_at_start_up():
    result = run([sys.executable, "manage.py", "check"], base_env(**{**PRODUCTION, "ALLOWED_HOSTS": None}))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DJANGO_ENV=production" in result.stderr


def test_unknown_environment_is_refused():
    result = run([sys.executable, "manage.py", "check"], base_env(DJANGO_ENV="staging"))
    assert result.returncode != 0
    assert "DJANGO_ENV must be development or production" in result.stderr


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("HEALTH_CHECK_TIMEOUT", {}),
        ("SENTRY_TRACES_SAMPLE_RATE", {"SENTRY_DSN": "https://publickey@sentry.invalid/1"}),
        ("REDIS_SOCKET_TIMEOUT", {"REDIS_URL": "redis://127.0.0.1:6379/0"}),
    ],
)
def test_malformed_numbers_are_refused(name, context):
    result = run([sys.executable, "manage.py", "check"], base_env(**context, **{name: "soon"}))
    assert result.returncode != 0
    assert f"{name} must be a number" in result.stderr


# --- production values ----------------------------------------------------------------------


def test_production_security_settings():
    values = settings_in(
        base_env(
            **{
                **PRODUCTION,
                "ALLOWED_HOSTS": "api.example.com,.example.org",
                "CSRF_TRUSTED_ORIGINS": "https://api.example.com",
                "CORS_ALLOWED_ORIGINS": "https://www.example.com, https://app.example.com",
            }
        ),
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "CORS_ALLOWED_ORIGINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "MIDDLEWARE",
        "STORAGES",
        "LOG_FORMAT",
    )
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["api.example.com", ".example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://api.example.com"]
    assert values["CORS_ALLOWED_ORIGINS"] == ["https://www.example.com", "https://app.example.com"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in values["MIDDLEWARE"]
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["LOG_FORMAT"] == "json"


def test_services_are_configured_from_urls_with_timeouts():
    values = settings_in(
        base_env(
            DATABASE_URL="postgres://u:p@db.internal:5432/flix",
            REDIS_URL="redis://cache.internal:6379/0",
            CELERY_BROKER_URL="redis://cache.internal:6379/1",
            DB_CONNECT_TIMEOUT="3",
            REDIS_SOCKET_TIMEOUT="1.5",
        ),
        "DATABASES",
        "CACHES",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CELERY_TASK_ALWAYS_EAGER",
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db.internal"
    assert database["OPTIONS"]["connect_timeout"] == 3
    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "core.redis_cache.DegradingRedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/0"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 1.5, "socket_timeout": 1.5}
    # The throttles count in the same Redis, and in each process's memory while it is unreachable.
    throttles = values["CACHES"]["throttles"]
    assert {**throttles, "OPTIONS": cache["OPTIONS"]} == cache
    assert throttles["OPTIONS"] == {**cache["OPTIONS"], "LOCAL_FALLBACK": True}
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/1"
    assert values["CELERY_RESULT_BACKEND"] == "redis://cache.internal:6379/1"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_development_defaults_need_no_services():
    names = ("DEBUG", "DATABASES", "CACHES", "CELERY_TASK_ALWAYS_EAGER", "LOG_FORMAT", "SQLITE_OPTIONS")
    values = settings_in(base_env(), *names)
    assert values["DEBUG"] is True
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["OPTIONS"] == values["SQLITE_OPTIONS"]
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["CACHES"]["throttles"] == values["CACHES"]["default"]  # one store in the process
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["LOG_FORMAT"] == "plain"
    # Opening the SQLite file per request cost more than most requests; its connection is kept like any other.
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


# What a SQLite connection really does: WAL, the busy timeout, and BEGIN IMMEDIATE (the write lock is taken when the
# transaction starts, so another writer cannot get it even before anything is written).
SQLITE_BEHAVIOUR = """
import json, sqlite3, django
django.setup()
from django.conf import settings
from django.db import connection, transaction
with connection.cursor() as cursor:
    journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    busy_ms = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
with transaction.atomic():
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        locked = False
    except sqlite3.OperationalError:
        locked = True
print(json.dumps({"journal": journal, "busy_ms": busy_ms, "write_lock_taken_at_begin": locked}))
"""


@pytest.mark.parametrize("named_by", ["SQLITE_PATH", "DATABASE_URL"])
def test_sqlite_writes_the_same_way_whichever_setting_names_the_file(tmp_path, named_by):
    path = tmp_path / "flix.sqlite3"
    env = base_env(SQLITE_PATH=str(path)) if named_by == "SQLITE_PATH" else base_env(DATABASE_URL=f"sqlite:///{path}")

    result = run([sys.executable, "-c", SQLITE_BEHAVIOUR], env)

    assert result.returncode == 0, result.stderr
    behaviour = json.loads(result.stdout.strip().splitlines()[-1])
    assert behaviour == {"journal": "wal", "busy_ms": 20_000, "write_lock_taken_at_begin": True}


def test_a_sqlite_database_url_gets_the_shared_options_and_its_query_wins(tmp_path):
    url = f"sqlite:///{tmp_path / 'flix.sqlite3'}?timeout=5"

    values = settings_in(base_env(DATABASE_URL=url), "DATABASES", "SQLITE_OPTIONS")

    assert values["DATABASES"]["default"]["OPTIONS"] == {**values["SQLITE_OPTIONS"], "timeout": 5}
    assert values["SQLITE_OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["SQLITE_OPTIONS"]["init_command"]


# --- Sentry ---------------------------------------------------------------------------------

SENTRY_STATE = (
    "import json, django; django.setup(); import sentry_sdk; client = sentry_sdk.get_client(); "
    "print(json.dumps({'active': client.is_active(), 'pii': client.options.get('send_default_pii'), "
    "'environment': client.options.get('environment'), 'release': client.options.get('release'), "
    "'traces': client.options.get('traces_sample_rate')}))"
)


def sentry_state(env: dict[str, str]) -> dict:
    result = run([sys.executable, "-c", SENTRY_STATE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sentry_is_off_without_a_dsn():
    assert sentry_state(base_env(**PRODUCTION))["active"] is False
    assert sentry_state(base_env(**PRODUCTION, SENTRY_DSN=""))["active"] is False


def test_sentry_starts_with_a_dsn_and_sends_no_personal_data():
    state = sentry_state(
        base_env(
            **PRODUCTION,
            SENTRY_DSN="https://publickey@sentry.invalid/1",
            SENTRY_RELEASE="abc123",
            SENTRY_TRACES_SAMPLE_RATE="0.25",
        )
    )
    assert state == {"active": True, "pii": False, "environment": "production", "release": "abc123", "traces": 0.25}


# --- gunicorn.conf.py -----------------------------------------------------------------------


def gunicorn_config(monkeypatch, **env) -> dict:
    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name in {"PORT", "LOG_FORMAT", "LOG_LEVEL", "DJANGO_ENV"}:
            monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


def test_gunicorn_config_from_environment(monkeypatch):
    config = gunicorn_config(
        monkeypatch,
        PORT="9001",
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="8",
        GUNICORN_TIMEOUT="45",
        GUNICORN_MAX_REQUESTS="2000",
        DJANGO_ENV="production",
    )
    assert config["bind"] == "0.0.0.0:9001"
    assert config["workers"] == 3
    assert config["threads"] == 8
    assert config["worker_class"] == "gthread"
    assert config["timeout"] == 45
    assert config["max_requests"] == 2000
    assert config["max_requests_jitter"] == 200
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "config.wsgi:application"
    # JSON access lines in production.
    assert config["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == ["stdout"]


def test_gunicorn_defaults(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["bind"] == "0.0.0.0:8000"
    assert 1 <= config["workers"] <= 8
    assert config["threads"] == 4
    assert config["max_requests"] == 0
    assert "logconfig_dict" not in config
    assert "{x-request-id}o" in config["access_log_format"]


def test_gunicorn_single_thread_uses_sync_workers(monkeypatch):
    assert gunicorn_config(monkeypatch, GUNICORN_THREADS="1")["worker_class"] == "sync"


@pytest.mark.parametrize(("name", "value"), [("GUNICORN_WORKERS", "many"), ("GUNICORN_WORKERS", "0"), ("PORT", "-1")])
def test_gunicorn_rejects_bad_values(monkeypatch, name, value):
    with pytest.raises(SystemExit, match=name):
        gunicorn_config(monkeypatch, **{name: value})


def test_init_sentry_never_sends_personal_data():
    from unittest import mock

    from core.logging import init_sentry

    with mock.patch("sentry_sdk.init") as sentry_init:
        init_sentry("https://publickey@sentry.invalid/1", environment="production", release="", traces_sample_rate=0.0)
    options = sentry_init.call_args.kwargs
    assert options["send_default_pii"] is False
    assert options["release"] is None
    assert options["environment"] == "production"
    assert {type(i).__name__ for i in options["integrations"]} == {"DjangoIntegration", "CeleryIntegration"}
