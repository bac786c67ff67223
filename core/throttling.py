from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions, throttling
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class AuthRateThrottle(SimpleRateThrottle):
    """Per client address, whoever is logged in: slows password guessing and sign-up floods."""

    scope = "auth"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(throttling.UserRateThrottle):
    """Per logged-in user only; anonymous clients are AnonRateThrottle's, so they are not counted twice."""

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class MemberScopedRateThrottle(SimpleRateThrottle):
    """Per logged-in user, at the rate its ``scope`` has in DEFAULT_THROTTLE_RATES; anonymous clients are left to
    AnonRateThrottle."""

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


class CommentRateThrottle(MemberScopedRateThrottle):
    """Comment writes (post, edit, delete) per logged-in user, scope "comments"; reads are not counted."""

    scope = "comments"

    def allow_request(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class ExportRateThrottle(MemberScopedRateThrottle):
    """Exports of everything a member owns, per member, scope "exports": each one reads it all."""

    scope = "exports"
