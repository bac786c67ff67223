"""Django's Redis cache, where a Redis that cannot be reached is a miss instead of an error.

Everything the cache holds can be computed again from the database, so a refused, reset or timed-out Redis call
does not fail the request: a read is a miss, a write is dropped (``add``/``delete``/``touch``/``has_key`` answer
False, ``incr`` raises ValueError as for a missing key). The outage is logged when it starts, at most once a
minute while it lasts, and when Redis answers again; ``/health/ready`` reports it through ``outage()``.

After a failure, calls skip Redis for RETRY_SECONDS, then one call tries it again: a Redis that does not answer at
all costs one socket timeout per interval and process, not one per call.

With LOCAL_FALLBACK, values go to this process's memory while Redis is down instead of being dropped: for
counters that must keep counting (throttles), per process until Redis is back.

Both are OPTIONS of the cache, next to redis-py's own.
"""

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from time import monotonic
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 60.0
DEFAULT_RETRY_SECONDS = 1.0
LOCAL_FALLBACK_MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class Outage:
    seconds: float
    calls_without_redis: int


class ServerHealth:
    """Whether one Redis server answers, as this process has seen it (shared by every thread's backend)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._calls_without_redis = 0
        self._logged_at = 0.0

    def outage(self) -> Outage | None:
        with self._lock:
            if self._down_since is None:
                return None
            return Outage(seconds=monotonic() - self._down_since, calls_without_redis=self._calls_without_redis)

    def should_skip(self, retry_seconds: float) -> bool:
        if self._down_since is None:
            return False
        with self._lock:
            if self._down_since is None:
                return False
            now = monotonic()
            if now < self._retry_at:
                self._calls_without_redis += 1
                return True
            # This call tries Redis again; the others go on skipping it meanwhile, so only one waits on a timeout.
            self._retry_at = now + retry_seconds
            return False

    def failed(self, error: Exception, retry_seconds: float) -> None:
        with self._lock:
            now = monotonic()
            self._retry_at = now + retry_seconds
            self._calls_without_redis += 1
            started = self._down_since is None
            if self._down_since is None:
                self._down_since = now
            since = self._down_since
            if not started and now - self._logged_at < LOG_EVERY_SECONDS:
                return
            self._logged_at = now
            seconds, calls = now - since, self._calls_without_redis
        if started:
            logger.warning("Cache unreachable, serving without it: %s: %s", type(error).__name__, error)
        else:
            logger.warning(
                "Cache still unreachable after %.0f s (%d calls served without it): %s: %s",
                seconds,
                calls,
                type(error).__name__,
                error,
            )

    def answered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds, calls = monotonic() - self._down_since, self._calls_without_redis
            self._down_since, self._calls_without_redis = None, 0
        logger.warning("Cache answers again after %.1f s (%d calls were served without it)", seconds, calls)


_health_by_server: dict[str, ServerHealth] = {}
_health_lock = threading.Lock()


def health_of(server: str) -> ServerHealth:
    with _health_lock:
        return _health_by_server.setdefault(server, ServerHealth())


class DegradingRedisCache(RedisCache):
    """Django's RedisCache, with an unreachable Redis answered as a miss (or from this process's memory)."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        local_fallback = bool(options.pop("LOCAL_FALLBACK", False))
        super().__init__(server, {**params, "OPTIONS": options})
        location = server if isinstance(server, str) else ",".join(server)
        self._health = health_of(location)
        # LocMemCache keeps its values per name for the whole process, so every thread's backend shares them.
        self._local = (
            LocMemCache(
                f"{__name__}:{location}:{self.key_prefix}",
                {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": LOCAL_FALLBACK_MAX_ENTRIES}},
            )
            if local_fallback
            else None
        )

    def outage(self) -> Outage | None:
        """How long Redis has been unreachable, and how many calls did without it; None while it answers."""
        return self._health.outage()

    def _call(self, shared: Callable[..., Any], *args: Any, miss: Any) -> Any:
        if not self._health.should_skip(self.retry_seconds):
            try:
                result = shared(*args)
            except UNREACHABLE as error:
                self._health.failed(error, self.retry_seconds)
            else:
                self._health.answered()
                return result
        if self._local is None:
            return miss
        return getattr(self._local, shared.__name__)(*args)

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(super().add, key, value, timeout, version, miss=False)

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self._call(super().get, key, default, version, miss=default)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call(super().set, key, value, timeout, version, miss=None)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(super().touch, key, timeout, version, miss=False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call(super().delete, key, version, miss=False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._call(super().get_many, list(keys), version, miss={})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(super().has_key, key, version, miss=False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        value = self._call(super().incr, key, delta, version, miss=None)
        if value is None:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return value

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._call(super().set_many, data, timeout, version, miss=list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._call(super().delete_many, list(keys), version, miss=None)

    def clear(self) -> None:
        if self._local is not None:
            self._local.clear()
        self._call(super().clear, miss=None)


def outage_of(backend: BaseCache) -> Outage | None:
    """The backend's current outage, for a cache that outlives one; None for every other cache."""
    return backend.outage() if isinstance(backend, DegradingRedisCache) else None
