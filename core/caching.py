"""The one cache layer: values in the shared cache under keys that carry the catalogue generation.

Every write that changes what reads show (reviews, movies, genres, imports, a user's preferred genres) calls
``catalogue_changed()`` inside its transaction; on commit the generation moves on, and nothing cached under the
old number is served again. Values are never deleted one by one: they age out of the cache.

Two kinds of value live here:
- ``cached()``: a computed value (a recommendation list, a movie's neighbours) under a named key;
- ``cache_public_read``: a public GET handler's whole response, the same for every caller; ``cache_visitor_read``
  the same for visitors only, where a member's answer is their own.

``ProcessMemo`` keeps small values under the same versioned keys in the worker's own memory, for data that nearly
every request reads (measured: rendered movie summaries, which every recommendation list embeds), where a round
trip and unpickling would cost more than the value saves.

With Redis the generation is shared by every process; with the local-memory cache each process has its own, so
another process may serve a value up to its timeout old: run several processes with REDIS_URL set. While Redis is
unreachable, nothing versioned is reused (every read computes), and once it answers again each process that missed
the generation meanwhile moves it on, so that nothing cached before the outage hides a write made during it.
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


# Set when this process could not read or move the generation because the cache was unreachable: a write made
# meanwhile did not move it, and values cached before the outage may still be there when the cache is back.
_generation_missed = threading.Event()


def _stored_generation() -> int | None:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def current_generation() -> int:
    if _generation_missed.is_set() and _stored_generation() is not None:
        _generation_missed.clear()
        bump_generation()
    generation = _stored_generation()
    if generation is None:
        # The cache keeps nothing: a generation for this call alone, so that nothing versioned (a worker's
        # ProcessMemo included) is reused while writes cannot move the generation on.
        _generation_missed.set()
        return _fresh_generation()
    return generation


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        added = cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        if not added and cache.get(GENERATION_KEY) is None:
            _generation_missed.set()


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


def cache_visitor_read(handler: Callable[..., Response]) -> Callable[..., Response]:
    """For reads whose answer depends on who asks (a member's privacy, blocks, their own things): a visitor's answer
    is the same for every visitor, so it is cached as cache_public_read does; a member's is computed each time."""
    shared = cache_public_read(handler)

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        return shared(view, request, *args, **kwargs)

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
