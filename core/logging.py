"""Log formatting shared by Django, Celery and gunicorn: one JSON object per line, or plain text.

Only the standard library is imported here, so that gunicorn's master process (which never loads
Django) can use the same formatter for its own and its access log lines.

Every record carries `request_id`: the id of the request being served on this thread (set by
`core.middleware.RequestIdMiddleware`), or null outside a request. Request-shaped records also
carry `method`, `path`, `status` and `duration_ms` when they are known:

- gunicorn access lines (the atoms gunicorn passes as the record's arguments);
- Django's `django.request` records (which carry the request and the status code);
- the optional per-request line of `RequestIdMiddleware` (`LOG_REQUESTS=true`).
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged too.
_RESERVED = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys() | {"message", "asctime", "request_id"}
)
# Attributes Django attaches to its records that are objects, not loggable values.
_SKIPPED_EXTRA = frozenset({"request", "server_time", "status_code"})


READINESS_PATH = "/health/ready"
# Set by core.errors on a request it answered 503 because the database could not be reached.
DATABASE_UNAVAILABLE_MARK = "database_unavailable"


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record so that plain-text formats can show it too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id_for(record) or "-"
        return True


class SkipFailedReadinessProbes(logging.Filter):
    """Drops Django's generic "Service Unavailable" line for a failed readiness probe: the view has logged each
    failed check with its cause, and probes every few seconds would repeat the generic line."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        probe = request is not None and request.path.rstrip("/") == READINESS_PATH
        return not (probe and getattr(record, "status_code", None) == 503)


class SkipAnsweredDatabaseOutages(logging.Filter):
    """Drops Django's generic error line (and traceback) for a request answered 503 because the database could not
    be reached: core.errors has logged one warning with the cause, and an outage under load would repeat both."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(getattr(record, "request", None), DATABASE_UNAVAILABLE_MARK, False)


def _request_id_for(record: logging.LogRecord) -> str | None:
    # Django logs 4xx/5xx responses (django.request) after the middleware has returned, so the
    # id is taken from the request the record carries.
    return (
        request_id_var.get()
        or getattr(getattr(record, "request", None), "request_id", None)
        or _gunicorn_request_id(record)
    )


def _gunicorn_atoms(record: logging.LogRecord) -> dict | None:
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        return record.args
    return None


def _gunicorn_request_id(record: logging.LogRecord) -> str | None:
    atoms = _gunicorn_atoms(record)
    if atoms is None:
        return None
    value = atoms.get("{x-request-id}o")
    return value if value and value != "-" else None


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON: time, level, logger, message, request_id, and more."""

    def format(self, record: logging.LogRecord) -> str:
        timestamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry: dict = {
            "time": timestamp.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None,
        }
        request_id = getattr(record, "request_id", None)
        entry["request_id"] = _request_id_for(record) if request_id in (None, "-") else request_id

        atoms = _gunicorn_atoms(record)
        if atoms is not None:
            micros = _as_int(atoms.get("D"))
            entry.update(
                method=atoms.get("m"),
                path=atoms.get("U"),
                status=_as_int(atoms.get("s")),
                duration_ms=None if micros is None else round(micros / 1000, 3),
                bytes=_as_int(atoms.get("B")),
                remote_addr=atoms.get("h"),
                user_agent=atoms.get("a"),
            )
        else:
            request = getattr(record, "request", None)
            if request is not None and hasattr(request, "method"):
                entry["method"] = request.method
                entry["path"] = getattr(request, "path", None)
            status = getattr(record, "status_code", None)
            if status is not None:
                entry["status"] = status
            for key, value in record.__dict__.items():
                if key not in _RESERVED and key not in _SKIPPED_EXTRA and not key.startswith("_"):
                    entry[key] = value

        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def init_sentry(dsn: str, *, environment: str, release: str | None, traces_sample_rate: float) -> None:
    """Report unhandled errors to Sentry. Personal data (user ids, IPs, cookies, bodies) is not sent."""
    try:
        import sentry_sdk
    except ImportError:  # pragma: no cover - sentry-sdk is in requirements/production.txt
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed") from None
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
