"""Structured logs and request ids (core/logging.py, core/middleware.py)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from core.logging import PLAIN_FORMAT, JsonFormatter, RequestIdFilter, current_request_id, request_id_var

BASE_DIR = Path(__file__).resolve().parents[2]


def _record(name="flixreview.test", level=logging.INFO, msg="hello %s", args=("world",), **extra):
    record = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def _json(record) -> dict:
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


# --- the JSON formatter ---------------------------------------------------------------------


def test_json_line_has_the_standard_fields():
    entry = _json(_record())
    assert set(entry) == {"time", "level", "logger", "message", "request_id"}
    assert entry["level"] == "INFO"
    assert entry["logger"] == "flixreview.test"
    assert entry["message"] == "hello world"
    assert entry["request_id"] is None
    assert entry["time"].endswith("Z") and "T" in entry["time"]


def test_json_line_takes_the_current_request_id():
    token = request_id_var.set("abc123")
    try:
        assert _json(_record())["request_id"] == "abc123"
        assert current_request_id() == "abc123"
    finally:
        request_id_var.reset(token)
    assert current_request_id() is None


def test_json_line_keeps_extra_fields_and_exceptions_on_one_line():
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    record.duration_ms = 1.5
    record.stack_info = "Stack (most recent call last):\n  here"
    entry = _json(record)
    assert entry["duration_ms"] == 1.5
    assert "ValueError: bad\nthing" in entry["exception"]
    assert "here" in entry["stack"]


def test_json_line_describes_django_request_records():
    request = mock.Mock(method="POST", path="/api/reviews/", request_id="rid-1")
    entry = _json(
        _record(name="django.request", msg="Bad Request: %s", args=("/api/reviews/",), request=request, status_code=400)
    )
    assert entry["method"] == "POST"
    assert entry["path"] == "/api/reviews/"
    assert entry["status"] == 400
    assert entry["request_id"] == "rid-1"
    assert "request" not in entry and "status_code" not in entry


def test_json_line_for_a_gunicorn_access_record():
    atoms = {
        "m": "GET",
        "U": "/api/movies/",
        "s": "200",
        "D": 12345,
        "B": 512,
        "h": "10.0.0.1",
        "a": "curl/8",
        "{x-request-id}o": "rid-from-header",
    }
    entry = _json(_record(name="gunicorn.access", msg="%(m)s %(U)s %(s)s", args=atoms))
    assert entry["message"] == "GET /api/movies/ 200"
    assert entry["method"] == "GET"
    assert entry["path"] == "/api/movies/"
    assert entry["status"] == 200
    assert entry["duration_ms"] == 12.345
    assert entry["bytes"] == 512
    assert entry["request_id"] == "rid-from-header"


def test_gunicorn_access_record_without_request_id_or_timing():
    atoms = {"m": "GET", "U": "/", "s": "-", "D": "-", "B": None, "{x-request-id}o": "-"}
    entry = _json(_record(name="gunicorn.access", msg="%(m)s", args=atoms))
    assert entry["request_id"] is None
    assert entry["status"] is None
    assert entry["duration_ms"] is None


def test_plain_format_shows_the_request_id():
    formatter = logging.Formatter(PLAIN_FORMAT)
    record = _record()
    RequestIdFilter().filter(record)
    assert formatter.format(record).endswith("flixreview.test [-] hello world")
    token = request_id_var.set("rid-9")
    try:
        record = _record()
        RequestIdFilter().filter(record)
        assert "[rid-9] hello world" in formatter.format(record)
    finally:
        request_id_var.reset(token)


def test_settings_use_plain_logs_in_development(settings):
    assert settings.LOG_FORMAT == "plain"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"
    assert settings.LOG_REQUESTS is False


def _run_production_python(code: str, **env) -> subprocess.CompletedProcess:
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-test-only-secret-key-for-a-subprocess-0123456789",
        "ALLOWED_HOSTS": "api.example.com",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django, logging; django.setup(); " + code],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_logs_are_json_lines_by_default():
    result = _run_production_python("logging.getLogger('flixreview.x').warning('careful %s', 1)")
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["message"] == "careful 1"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "flixreview.x"


def test_log_format_plain_switches_production_to_text():
    result = _run_production_python("logging.getLogger('flixreview.x').warning('careful')", LOG_FORMAT="plain")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("WARNING flixreview.x [-] careful")


def test_unknown_log_format_is_refused():
    result = _run_production_python("pass", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain" in result.stderr


# --- request ids ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_id_is_generated_and_echoed(client):
    response = client.get("/health/live")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0
    assert client.get("/health/live")["X-Request-ID"] != request_id


@pytest.mark.django_db
def test_sane_incoming_request_id_is_kept(client):
    response = client.get("/health/", HTTP_X_REQUEST_ID="lb-7f3a:01.2_x-y")
    assert response["X-Request-ID"] == "lb-7f3a:01.2_x-y"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["", "has space", "a" * 129, "-leading-dash", 'quote"s', "semi;colon", "é"])
def test_insane_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/health/live", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_request_id_is_on_log_records_during_the_request_and_cleared_after(client):
    seen = []
    with mock.patch("core.views.check_cache", side_effect=lambda: seen.append(current_request_id())):
        response = client.get("/health/ready", HTTP_X_REQUEST_ID="trace-42")
    assert response.status_code == 200
    assert seen == ["trace-42"]
    assert current_request_id() is None


@pytest.mark.django_db
def test_request_id_reaches_djangos_own_request_log(client, caplog):
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get("/api/movies/999999999/", HTTP_X_REQUEST_ID="trace-404")
    assert response.status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    entry = _json(record)
    assert entry["request_id"] == "trace-404"
    assert entry["status"] == 404
    assert entry["method"] == "GET"


@pytest.mark.django_db
def test_no_request_log_line_by_default(client, caplog):
    with caplog.at_level("INFO", logger="flixreview.request"):
        client.get("/health/")
    assert not [r for r in caplog.records if r.name == "flixreview.request"]


@pytest.mark.django_db
def test_log_requests_writes_one_line_per_request(client, settings, caplog):
    settings.LOG_REQUESTS = True
    with caplog.at_level("INFO", logger="flixreview.request"):
        response = client.get("/health/", HTTP_X_REQUEST_ID="trace-1")
    (record,) = [r for r in caplog.records if r.name == "flixreview.request"]
    assert response["X-Request-ID"] == "trace-1"
    entry = _json(record)
    assert entry["message"] == "GET /health/ 200"
    assert entry["method"] == "GET"
    assert entry["path"] == "/health/"
    assert entry["status"] == 200
    assert entry["duration_ms"] >= 0
    assert entry["request_id"] == "trace-1"
