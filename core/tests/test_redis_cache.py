"""The Redis cache backend with nothing listening: every call is a miss or a no-op, never an error.

(core/tests/test_cache_outage.py stops and starts a real Redis under the running site.)
"""

import logging
from unittest import mock

import pytest
from django.db import DatabaseError

from core import redis_cache
from core.redis_cache import DegradingRedisCache
from movies.models import Movie
from recommendations.selectors.common import movie_summaries
from tests.factories import MovieFactory
from tests.redis_server import free_port

pytestmark = pytest.mark.django_db


def unreachable_cache(**options) -> DegradingRedisCache:
    # Nothing listens on a port just released: every connection is refused at once.
    location = f"redis://127.0.0.1:{free_port()}/0"
    return DegradingRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 0.5, "RETRY_SECONDS": 0, **options}})


def cache_records(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "core.redis_cache"]


def test_every_call_is_a_miss_or_a_no_op():
    cache = unreachable_cache()

    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    assert cache.add("key", 1) is False
    assert cache.set("key", 1) is None
    assert cache.touch("key") is False
    assert cache.delete("key") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    cache.delete_many(["a", "b"])
    cache.clear()
    assert cache.get_or_set("key", lambda: "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("counter")
    with pytest.raises(ValueError):
        cache.decr("counter")


def test_an_outage_is_logged_when_it_starts_then_at_most_once_a_minute(caplog):
    cache = unreachable_cache()
    with caplog.at_level(logging.WARNING, logger="core.redis_cache"):
        for _ in range(5):
            cache.get("key")
        assert len(cache_records(caplog)) == 1
        assert cache_records(caplog)[0].startswith("Cache unreachable, serving without it: ConnectionError")

        later = redis_cache.monotonic() + redis_cache.LOG_EVERY_SECONDS + 1
        with mock.patch("core.redis_cache.monotonic", return_value=later):
            cache.get("key")
            cache.get("key")

    messages = cache_records(caplog)
    assert len(messages) == 2
    assert "Cache still unreachable after" in messages[1]
    assert "(6 calls served without it)" in messages[1]


def test_the_outage_is_measured_for_readiness():
    cache = unreachable_cache()
    cache.get("key")
    cache.set("key", 1)

    outage = cache.outage()

    assert outage is not None
    assert outage.calls_without_redis == 2
    assert 0 <= outage.seconds < 5


def test_after_a_failure_calls_skip_redis_until_the_retry_interval_has_passed():
    cache = unreachable_cache(RETRY_SECONDS=60)
    cache.get("key")

    with mock.patch("redis.Redis.get", side_effect=AssertionError("Redis was called")) as redis_get:
        assert cache.get("key", "miss") == "miss"
        redis_get.assert_not_called()

        later = redis_cache.monotonic() + 61
        with mock.patch("core.redis_cache.monotonic", return_value=later), pytest.raises(AssertionError):
            cache.get("key")  # the interval is over: this call tries Redis again


def test_with_a_local_fallback_values_stay_in_this_process():
    cache = unreachable_cache(LOCAL_FALLBACK=True)

    cache.set("history", [1, 2])
    assert cache.get("history") == [1, 2]
    assert cache.add("counter", 1) is True
    assert cache.incr("counter") == 2
    cache.clear()
    assert cache.get("history") is None


# --- /health/ready with the default cache unreachable ----------------------------------------


@pytest.fixture
def unreachable_default_cache(settings):
    location = f"redis://127.0.0.1:{free_port()}/0"
    options = {"socket_connect_timeout": 0.5, "RETRY_SECONDS": 0}
    settings.CACHES = {
        alias: {"BACKEND": "core.redis_cache.DegradingRedisCache", "LOCATION": location, "OPTIONS": options}
        for alias in ("default", "throttles")
    }
    settings.CELERY_BROKER_URL = ""


def test_ready_is_degraded_not_unavailable_while_the_cache_is_unreachable(client, unreachable_default_cache):
    response = client.get("/health/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "cache": "degraded", "broker": "skipped"}
    assert set(body["degraded"]["cache"]) == {"unreachable_for_seconds", "calls_served_without_it"}
    assert body["degraded"]["cache"]["calls_served_without_it"] >= 3  # the probe's own write, read and delete


def test_ready_is_unavailable_when_the_database_fails_too(client, unreachable_default_cache):
    with mock.patch("core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["cache"] == "degraded"


def test_nothing_versioned_is_reused_while_the_cache_is_unreachable(unreachable_default_cache):
    # The generation cannot move on while the cache is down, so the worker's memo must not serve what it kept.
    movie = MovieFactory(title="Before")
    assert movie_summaries([movie.pk])[movie.pk]["title"] == "Before"

    Movie.objects.filter(pk=movie.pk).update(title="After")

    assert movie_summaries([movie.pk])[movie.pk]["title"] == "After"
