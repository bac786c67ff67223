"""/health/ (database round trip), /health/live (no I/O) and /health/ready (every dependency).

The cache really unreachable: core/tests/test_redis_cache.py and test_cache_outage.py."""

import os
from unittest import mock

import pytest
from django.db import DatabaseError

from core.views import Degraded

pytestmark = pytest.mark.django_db


def _fail(*args, **kwargs):
    raise ConnectionError("connection refused")


# --- /health/ (the benchmark baseline: unchanged) -------------------------------------------


def test_health_ok(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_503_when_database_unreachable(client):
    with mock.patch("core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


# --- /health/live ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/health/live", "/health/live/"])
def test_live_answers_without_any_io(client, django_assert_num_queries, path):
    with (
        mock.patch("core.views.check_database", side_effect=AssertionError("no I/O")),
        mock.patch("core.views.check_cache", side_effect=AssertionError("no I/O")),
        django_assert_num_queries(0),
    ):
        response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_live_answers_even_when_the_database_is_down(client):
    with mock.patch("core.views.connection.cursor", side_effect=DatabaseError("down")):
        assert client.get("/health/live").status_code == 200


# --- /health/ready --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/health/ready", "/health/ready/"])
def test_ready_ok_without_broker(client, settings, path):
    settings.CELERY_BROKER_URL = ""
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "skipped"},
    }


@pytest.mark.parametrize("dependency", ["database", "cache", "broker"])
def test_ready_503_names_the_failed_dependency(client, settings, dependency):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    with (
        mock.patch("core.views.check_database", side_effect=_fail if dependency == "database" else None),
        mock.patch("core.views.check_cache", side_effect=_fail if dependency == "cache" else None),
        mock.patch("core.views.check_broker", side_effect=_fail if dependency == "broker" else None),
    ):
        response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == [dependency]
    assert body["checks"][dependency] == "unreachable"
    assert all(state == "ok" for name, state in body["checks"].items() if name != dependency)
    assert set(body["checks"]) == {"database", "cache", "broker"}


def test_ready_503_lists_every_failure_and_logs_each(client, caplog):
    with (
        mock.patch("core.views.check_database", side_effect=DatabaseError("db down")),
        mock.patch("core.views.check_cache", side_effect=_fail),
        caplog.at_level("WARNING"),
    ):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "cache"]
    messages = [r.getMessage() for r in caplog.records if r.name == "core.views"]
    assert any("database failed: DatabaseError: db down" in m for m in messages)
    assert any("cache failed: ConnectionError" in m for m in messages)
    # Our warnings name the cause; Django's generic "Service Unavailable" error line is skipped.
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_ready_200_degraded_when_the_cache_is_down_and_served_without(client, settings, caplog):
    settings.CELERY_BROKER_URL = ""
    outage = Degraded({"unreachable_for_seconds": 12.5, "calls_served_without_it": 40})
    with mock.patch("core.views.check_cache", side_effect=outage), caplog.at_level("WARNING"):
        response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "degraded": {"cache": {"unreachable_for_seconds": 12.5, "calls_served_without_it": 40}},
        "checks": {"database": "ok", "cache": "degraded", "broker": "skipped"},
    }
    # The cache logs its outage itself, once a minute at most; a probe every few seconds does not repeat it.
    assert not [r for r in caplog.records if r.name == "core.views"]


def test_ready_database_failure_is_real(client):
    with mock.patch("core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_ready_cache_that_loses_writes_is_not_ready(client):
    with mock.patch("core.views.cache.get", return_value=None):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_ready_broker_unreachable_fails_fast(client, settings):
    # Nothing listens on port 1: the broker check must fail (quickly), not hang.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_CHECK_TIMEOUT = 1.0
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


@pytest.mark.redis
def test_ready_with_a_real_redis_broker(client, settings):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set")
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_ready_rejects_unsafe_methods(client):
    assert client.post("/health/ready").status_code == 405
    assert client.post("/health/live").status_code == 405


# --- probes bypass the Host check and the HTTPS redirect ------------------------------------


def test_probes_work_with_any_host_and_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = []
    for path in ("/health/live", "/health/ready"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
    # Everything else still gets the Host check and the redirect.
    assert client.get("/api/movies/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/api/movies/", HTTP_HOST="api.example.com").status_code == 301
