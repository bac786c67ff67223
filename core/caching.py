"""The one cache layer: values in the shared cache under keys that carry the catalogue generation.

Every write that changes what reads show (reviews, movies, genres, imports, a user's preferred genres) calls
``catalogue_changed()`` inside its transaction; on commit the generation moves on, and nothing cached under the
old number is served again. Values are never deleted one by one: they age out of the cache.

Two kinds of value live here:
- ``cached()``: a computed value (a recommendation list, a movie's neighbours) under a named key;
- ``cache_public_read``: a public GET handler's whole response, the same for every caller.

``ProcessMemo`` keeps small values under the same versioned keys in the worker's own memory, for data that nearly
every request reads (measured: rendered movie summaries, which every recommendation list embeds), where a round
trip and unpickling would cost more than the value saves.

With Redis the generation is shared by every process; with the local-memory cache each process has its own, so
another process may serve a value up to its timeout old: run several processes with REDIS_URL set.
"""

import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from cachetools import TTLCache
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

GENERATION_KEY = "catalogue:generation"

T = TypeVar("T")


def _fresh_generation() -> int:
    # Microseconds since the epoch: if the counter is evicted, it restarts above any value it had before (bumps,
    # each a cache round trip, are slower than the clock), so an old cached entry never looks current again.
    return time.time_ns() // 1_000


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)


def catalogue_changed() -> None:
    """Call inside the transaction of any write that changes what reads show: once it commits, every value
    cached under the current generation stops being served."""
    transaction.on_commit(bump_generation)


def versioned(key: str) -> str:
    """``key`` in the current generation."""
    return f"{current_generation()}:{key}"


def cached(key: str, compute: Callable[[], T], seconds: int) -> T:
    """compute()'s result, kept under ``key`` in the current generation for ``seconds`` (0: not cached)."""
    if seconds <= 0:
        return compute()
    full_key = versioned(key)
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value


def _response_key(request: Request) -> str:
    # Pagination links are absolute, so the scheme and host are part of what was rendered.
    target = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return versioned("response:" + hashlib.blake2b(target.encode(), digest_size=16).hexdigest())


def cache_public_read(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Cache a DRF handler's successful response data for RESPONSE_CACHE_SECONDS, shared by every caller."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        seconds = settings.RESPONSE_CACHE_SECONDS
        if seconds <= 0:
            return handler(view, request, *args, **kwargs)
        key = _response_key(request)
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = handler(view, request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, seconds)
        return response

    return wrapper


class ProcessMemo:
    """A bounded, thread-safe store in this process for values under versioned keys (they never change).

    Entries also expire after ``seconds``, which bounds how long a value lives if a generation bump was lost; the
    least recently used go first past ``max_entries``.
    """

    def __init__(self, *, max_entries: int, seconds: float) -> None:
        self._entries: TTLCache[str, Any] = TTLCache(maxsize=max_entries, ttl=seconds)
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        with self._lock:
            return {key: self._entries[key] for key in keys if key in self._entries}

    def set_many(self, values: dict[str, Any]) -> None:
        with self._lock:
            self._entries.update(values)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
