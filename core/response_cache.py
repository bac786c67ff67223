"""Whole-response caching for public reads, keyed by the catalogue generation.

Every write that can change a public read (reviews, movies, genres, imports) bumps the generation
in `core.caching` on commit, so a cached page is never served after the data behind it
changed. With Redis the generation is shared by every process; with the local-memory cache each
process has its own, so another process may serve a page up to RESPONSE_CACHE_SECONDS old: run
several processes with REDIS_URL set.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.response import Response

from core.caching import current_generation


def _response_key(request) -> str:
    # Pagination links are absolute, so the scheme and host are part of what was rendered.
    target = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(target.encode(), digest_size=16).hexdigest()
    return f"response:{current_generation()}:{digest}"


def cache_public_read(handler):
    """Cache a DRF handler's successful response data; the same for every caller, so shared by all."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
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
