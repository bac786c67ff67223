"""Recommendation caches: keyed by the catalogue generation and, for personal lists, the user's own."""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from core.caching import GENERATION_KEY, bump, current_generation, generation_of


def cached_value(key: str, compute: Callable[[], Any]) -> Any:
    """compute()'s result under ``key`` (already versioned by the caller) for RECOMMENDATIONS_CACHE_SECONDS."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return value


def cached(name: str, params: dict, compute: Callable[[], Any]) -> Any:
    """Return compute()'s result, cached for RECOMMENDATIONS_CACHE_SECONDS in this generation."""
    suffix = ":".join(f"{key}={params[key]}" for key in sorted(params))
    return cached_value(f"recommendations:{current_generation()}:{name}:{suffix}", compute)


def _user_generation_key(user_id: int) -> str:
    return f"recommendations:user:{user_id}:generation"


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
        user_generation = generation_of(user_key)
    return generation, user_generation


def bump_user_generations(user_ids: Iterable[int]) -> None:
    for user_id in set(user_ids):
        bump(_user_generation_key(user_id))
