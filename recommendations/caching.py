"""Versioned cache keys: a write bumps one generation number instead of deleting keys one by one."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "recommendations:generation"


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def cached(name: str, params: dict, compute: Callable[[], Any]) -> Any:
    """Return compute()'s result, cached for RECOMMENDATIONS_CACHE_SECONDS in this generation."""
    suffix = ":".join(f"{key}={params[key]}" for key in sorted(params))
    key = f"recommendations:{current_generation()}:{name}:{suffix}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return value
