"""Versioned cache keys: a write bumps a generation number instead of deleting keys one by one.

The catalogue generation moves on every write that changes what public reads and recommendation
lists show (reviews, movies, genres, imports); anything cached under an older number is never
served again.
"""

import time

from django.core.cache import cache

GENERATION_KEY = "catalogue:generation"


def fresh_generation() -> int:
    # Microseconds since the epoch: if a counter is evicted, it restarts above any value it had before (bumps,
    # each a cache round trip, are slower than the clock), so an old cached entry never looks current again.
    return time.time_ns() // 1_000


def generation_of(key: str) -> int:
    """The generation stored under ``key``, started when missing."""
    generation = cache.get(key)
    if generation is None:
        cache.add(key, fresh_generation(), timeout=None)
        generation = cache.get(key, 0)
    return generation


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, fresh_generation(), timeout=None)


def current_generation() -> int:
    return generation_of(GENERATION_KEY)


def bump_generation() -> None:
    bump(GENERATION_KEY)
