"""Anonymous pages are the same for every visitor: kept whole in the shared cache like the API's public reads
(RESPONSE_CACHE_SECONDS, under the catalogue generation, so a write shows in the next page)."""

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from core.caching import versioned

View = Callable[..., HttpResponse]


def _page_key(request: HttpRequest) -> str:
    # An htmx request gets a fragment of the page: a different entry.
    target = f"{request.get_host()}{request.get_full_path()}|{bool(request.headers.get('HX-Request'))}"
    return versioned("page:" + hashlib.blake2b(target.encode(), digest_size=16).hexdigest())


def cache_anonymous_page(view: View) -> View:
    """Serve a visitor's GET from the cache; members' pages (their controls, their state) and pages showing a
    visitor's own messages are never cached."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.RESPONSE_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET" or request.user.is_authenticated or len(get_messages(request)):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                cache.set(key, (response.content, response["Content-Type"]), seconds)
        patch_vary_headers(response, ["Cookie", "HX-Request"])
        return response

    return wrapper
