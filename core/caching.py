"""Versioned cache keys: a write bumps a generation number instead of deleting keys one by one.

The catalogue generation moves on every write that changes what public reads and recommendation
lists show (reviews, movies, genres, imports); anything cached under an older number is never
served again. Values under such keys never change, so small ones can also live in each worker's
memory (LocalMemo), where reading them costs neither a round trip nor unpickling.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

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


def catalogue_changed() -> None:
    """Call inside the transaction of any write that changes what reads show: once it commits, every value
    cached under the current generation stops being served."""
    transaction.on_commit(bump_generation)


class LocalMemo:
    """A bounded, thread-safe, per-process store for values under versioned keys.

    A key that carries the generation (and model version) it was computed in names a value that never changes,
    so each worker can keep it in its own memory: no network round trip and no unpickling, which for small
    values cost more than computing them. Entries also expire after ``seconds``, which bounds how long a value
    lives if a write's generation bump was lost; the least recently used go first past ``max_entries``.
    """

    def __init__(self, *, max_entries: int, seconds: float) -> None:
        self.max_entries = max_entries
        self.seconds = seconds
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        now = time.monotonic()
        found = {}
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is None:
                    continue
                if entry[0] <= now:
                    del self._entries[key]
                    continue
                self._entries.move_to_end(key)
                found[key] = entry[1]
        return found

    def set_many(self, values: dict[str, Any]) -> None:
        expires_at = time.monotonic() + self.seconds
        with self._lock:
            for key, value in values.items():
                self._entries[key] = (expires_at, value)
                self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        found = self.get_many([key])
        if key in found:
            return found[key]
        value = compute()
        self.set_many({key: value})
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# Catalogue data that every list embeds (movie rows, neighbour lists, genre rankings): 50,000 entries are about
# 25 MB per worker, and cover a 20,000-movie catalogue twice over.
local_memo = LocalMemo(max_entries=50_000, seconds=60)
