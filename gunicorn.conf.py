"""gunicorn settings for FlixReview: `gunicorn --config gunicorn.conf.py config.wsgi:application`.

Everything an operator tunes comes from the environment (see docs/deploying.md):

    PORT                       port to listen on, all interfaces (8000)
    GUNICORN_WORKERS           worker processes (2 x CPUs + 1, at most 8)
    GUNICORN_THREADS           threads per worker; above 1 uses the gthread worker (4)
    GUNICORN_TIMEOUT           seconds a request may take before its worker is restarted (30)
    GUNICORN_GRACEFUL_TIMEOUT  seconds workers get to finish requests on shutdown/restart (30)
    GUNICORN_KEEPALIVE         seconds an idle keep-alive connection is held open (5)
    GUNICORN_MAX_REQUESTS      restart a worker after this many requests; 0 = never (0)
    LOG_LEVEL, LOG_FORMAT      as for Django: json (production default) or plain

Access lines go to stdout. In JSON, each carries method, path, status, duration_ms and the
request_id that Django echoed in the X-Request-ID response header.
"""

import os
import sys
from pathlib import Path

# gunicorn does not put the project on sys.path before it configures logging.
_PROJECT_DIR = str(Path(__file__).resolve().parent)
if _PROJECT_DIR not in sys.path:
    sys.path.insert(0, _PROJECT_DIR)

from core.logging import JsonFormatter  # noqa: E402


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, got {value}")
    return value


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = f"0.0.0.0:{_int('PORT', 8000, minimum=1)}"

workers = _int("GUNICORN_WORKERS", min(2 * _cpus() + 1, 8), minimum=1)
threads = _int("GUNICORN_THREADS", 4, minimum=1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Worker heartbeats on tmpfs: an overlay filesystem can stall them and get workers killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# The runtime control socket (gunicornc) would need a writable $HOME; the image has none.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()

_production = os.environ.get("DJANGO_ENV", "development") == "production"
_log_format = os.environ.get("LOG_FORMAT", "json" if _production else "plain").lower()

if _log_format == "json":
    access_log_format = "%(m)s %(U)s %(s)s"
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
        "root": {"level": loglevel.upper(), "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
    }
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'


def post_worker_init(worker: object) -> None:
    """Before the worker takes requests: load the recommender model, which its first request would wait for."""
    from django.db import connections

    from recommendations.serving import preload_served_model

    preload_served_model()
    # Requests run on threads with connections of their own: this one would only sit idle.
    connections.close_all()
