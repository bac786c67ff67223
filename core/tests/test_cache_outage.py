"""Redis stops under the running site and starts again: reads, logins and throttles go on, then the cache is back.

Each test runs a redis-server of its own (tests/redis_server.py), so the outage touches nothing else.
"""

import pytest
from django.core.cache import cache, caches
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from core import redis_cache
from core.throttling import AuthRateThrottle
from tests.factories import DEFAULT_PASSWORD, MovieFactory, ReviewFactory
from tests.redis_server import RedisServer, redis_server_binary_or_skip

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

LOGIN_URL = "/api/users/login/"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(redis_server_binary_or_skip(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site_on_redis(settings, redis_server):
    """The site's caches on the test's own Redis, with whole responses and pages cached as in production."""
    shared = {"BACKEND": "core.redis_cache.DegradingRedisCache", "LOCATION": redis_server.url(), "KEY_PREFIX": "t"}
    # Calls try Redis again at once after a failure (no retry interval), so a restart shows in the next call.
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": 0}
    settings.CACHES = {
        "default": {**shared, "OPTIONS": options},
        "throttles": {**shared, "OPTIONS": {**options, "LOCAL_FALLBACK": True}},
    }
    settings.RESPONSE_CACHE_SECONDS = 60
    settings.CELERY_BROKER_URL = ""
    yield redis_server
    caches["throttles"].clear()  # this process's fallback counters, which outlive the test


def api_login(client: APIClient, username: str, password: str):
    return client.post(LOGIN_URL, {"username": username, "password": password}, format="json")


def test_reads_and_logins_are_served_while_redis_is_down(site_on_redis, api_client, client, user):
    ReviewFactory(movie=MovieFactory(title="Warm Film"), rating=5)
    for path in ("/api/movies/", "/api/recommendations/top-rated/", "/"):
        assert client.get(path).status_code == 200
    assert site_on_redis.client().dbsize() > 0  # the reads above were cached in Redis

    site_on_redis.stop()

    assert "Warm Film" in api_client.get("/api/movies/").content.decode()
    assert api_client.get("/api/recommendations/top-rated/").status_code == 200
    assert "Warm Film" in client.get("/").content.decode()
    assert api_login(api_client, user.username, "wrong").status_code == 401
    assert "access" in api_login(api_client, user.username, DEFAULT_PASSWORD).json()
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert f"Welcome back, {user.username}" in client.get("/").content.decode()

    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["cache"] == "degraded"
    assert ready.json()["degraded"]["cache"]["calls_served_without_it"] > 0


def test_the_login_throttle_still_refuses_while_redis_is_down(site_on_redis, monkeypatch, client, user):
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": "3/minute"})
    site_on_redis.stop()
    api_client = APIClient(REMOTE_ADDR="203.0.113.20")

    for _ in range(3):
        assert api_login(api_client, user.username, "wrong").status_code == 401

    assert api_login(api_client, user.username, DEFAULT_PASSWORD).status_code == 429
    # The site's login shares the address's budget, counted in the same fallback.
    response = client.post(
        "/login/", {"username": user.username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.20"
    )
    assert response.status_code == 429
    assert api_login(APIClient(REMOTE_ADDR="203.0.113.21"), user.username, DEFAULT_PASSWORD).status_code == 200


def test_a_write_made_during_the_outage_shows_after_it(
    site_on_redis, api_client, user_client, django_capture_on_commit_callbacks
):
    movie = MovieFactory()
    url = f"/api/movies/{movie.pk}/"
    assert api_client.get(url).json()["review_count"] == 0  # cached in Redis

    site_on_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        assert user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 4}, format="json").status_code == 201
    site_on_redis.start()  # with the value cached before the outage still there

    assert api_client.get(url).json()["review_count"] == 1


def test_the_cache_is_used_again_once_redis_answers(site_on_redis, client, user, django_assert_num_queries):
    MovieFactory()
    site_on_redis.stop()
    assert client.get("/api/movies/").status_code == 200
    assert client.get("/health/ready").json()["status"] == "degraded"

    site_on_redis.start()

    cache.set("after-recovery", "landed")
    assert site_on_redis.client().get(cache.make_key("after-recovery")) is not None
    assert client.get("/health/ready").json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "skipped"},
    }
    client.get("/api/movies/")
    with django_assert_num_queries(0):
        assert client.get("/api/movies/").status_code == 200  # served from Redis
    api_login(APIClient(REMOTE_ADDR="203.0.113.30"), user.username, DEFAULT_PASSWORD)
    assert site_on_redis.client().keys("t:*throttle_auth_203.0.113.30")  # the throttles count in Redis again


def test_a_redis_that_stays_down_is_tried_once_per_retry_interval(settings, redis_server, monkeypatch):
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": 60}
    settings.CACHES = {
        alias: {"BACKEND": "core.redis_cache.DegradingRedisCache", "LOCATION": redis_server.url(1), "OPTIONS": options}
        for alias in ("default", "throttles")
    }
    redis_server.stop()
    assert cache.get("key") is None  # fails, and starts the interval
    redis_server.start()

    cache.set("skipped", "value")
    assert redis_server.client(1).get(cache.make_key("skipped")) is None

    later = redis_cache.monotonic() + 61
    monkeypatch.setattr(redis_cache, "monotonic", lambda: later)
    cache.set("tried", "value")
    assert redis_server.client(1).get(cache.make_key("tried")) is not None
