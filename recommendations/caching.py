"""Versioned cache keys: a write bumps one generation number instead of deleting keys one by one."""

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "recommendations:generation"


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)


def cached(name: str, params: dict, compute: Callable[[], Any]) -> Any:
    """Return compute()'s result, cached for RECOMMENDATIONS_CACHE_SECONDS in this generation."""
    suffix = ":".join(f"{key}={params[key]}" for key in sorted(params))
    key = f"recommendations:{current_generation()}:{name}:{suffix}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return value


def _user_generation_key(user_id: int) -> str:
    return f"recommendations:user:{user_id}:generation"


def _fresh_generation() -> int:
    # Microseconds since the epoch: if a counter is evicted, it restarts above any value it had before (bumps,
    # each a cache round trip, are slower than the clock), so an old cached entry never looks current again.
    return time.time_ns() // 1_000


def generations(user_id: int | None) -> tuple[int, int | None]:
    """The global generation and ``user_id``'s own (None for anonymous), in one cache round trip.

    A user's generation moves whenever their reviews or preferred genres change, so everything cached for them
    under the old number is skipped from the next request on.
    """
    if user_id is None:
        return current_generation(), None
    user_key = _user_generation_key(user_id)
    found = cache.get_many([GENERATION_KEY, user_key])
    generation = found.get(GENERATION_KEY) or current_generation()
    user_generation = found.get(user_key)
    if user_generation is None:
        cache.add(user_key, _fresh_generation(), timeout=None)
        user_generation = cache.get(user_key, 0)
    return generation, user_generation


def bump_user_generations(user_ids: Iterable[int]) -> None:
    for user_id in set(user_ids):
        try:
            cache.incr(_user_generation_key(user_id))
        except ValueError:
            cache.add(_user_generation_key(user_id), _fresh_generation(), timeout=None)


def cached_value(key: str, compute: Callable[[], Any]) -> Any:
    """compute()'s result under ``key`` (already versioned by the caller) for RECOMMENDATIONS_CACHE_SECONDS."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return value
