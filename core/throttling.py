"""The throttles count requests in the "throttles" cache: Redis, shared by every process, or each process's own
memory while Redis is unreachable (see config/settings.py), so that limits still apply during an outage."""

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from rest_framework import permissions, throttling
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

THROTTLE_CACHE = "throttles"


class CountsInThrottleCache(SimpleRateThrottle):
    """A throttle whose request histories live in the "throttles" cache."""

    def __init__(self) -> None:
        super().__init__()
        # Looked up per throttle rather than at import (as DRF's class attribute is), so a settings change applies.
        self.cache = caches[THROTTLE_CACHE]


class AnonRateThrottle(CountsInThrottleCache, throttling.AnonRateThrottle):
    """DRF's per-address limit for anonymous clients."""


class AuthRateThrottle(CountsInThrottleCache):
    """Per client address, whoever is logged in: slows password guessing and sign-up floods."""

    scope = "auth"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(CountsInThrottleCache, throttling.UserRateThrottle):
    """Per logged-in user only; anonymous clients are AnonRateThrottle's, so they are not counted twice."""

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class MemberScopedRateThrottle(CountsInThrottleCache):
    """Per logged-in user, at the rate its ``scope`` has in DEFAULT_THROTTLE_RATES; anonymous clients are left to
    AnonRateThrottle."""

    refusal: str | None = None  # what the site says to a member past the limit (None: DRF's words)

    def get_rate(self) -> str | None:
        # Read when the throttle is made rather than at import (as DRF's class attribute is), so that a settings
        # change, a test's override say, takes effect.
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate set for the {self.scope!r} scope.")
        rate = rates[self.scope]
        return None if rate is None else str(rate)

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class MemberWriteRateThrottle(MemberScopedRateThrottle):
    """Per logged-in user, writes only: reads are not counted."""

    def allow_request(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class CommentRateThrottle(MemberWriteRateThrottle):
    """Comment writes (post, edit, delete) per logged-in user, scope "comments"."""

    scope = "comments"


class SocialWriteRateThrottle(MemberWriteRateThrottle):
    """Likes (of films, reviews and lists) and follows, given or taken back, per logged-in user, scope "social":
    each can reach another member (a notification, a count on their things), so a flood of them is spam."""

    scope = "social"
    refusal = "You are liking and following too fast."


# For an @action, whose throttle_classes replace the defaults instead of adding to them.
SOCIAL_WRITE_THROTTLES = [*api_settings.DEFAULT_THROTTLE_CLASSES, SocialWriteRateThrottle]


class ExportRateThrottle(MemberScopedRateThrottle):
    """Exports of everything a member owns, per member, scope "exports": each one reads it all."""

    scope = "exports"


def ensure_within_rate(request: HttpRequest, throttle_class: type[MemberScopedRateThrottle]) -> None:
    """For the site's views, which are not DRF's: the request counts against the same limit as the API's, and past
    it raises DRF's Throttled (the throttle's refusal and the seconds to wait), which the views answer as any refused
    write."""
    throttle = throttle_class()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # reads only the user and the method
        raise Throttled(wait=throttle.wait(), detail=throttle.refusal)
