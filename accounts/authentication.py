"""JWT authentication: simplejwt's, refusing a token whose user claim is not a user id with a 401 (not a 500)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import AuthUser
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token


class JWTAuthentication(SimpleJWTAuthentication):
    def get_user(self, validated_token: Token) -> AuthUser:  # type: ignore[type-var]
        claim = validated_token.get(api_settings.USER_ID_CLAIM)
        if claim is not None and not _names_a_user_id(claim):
            raise AuthenticationFailed(str(_("User not found")), code="user_not_found")
        return super().get_user(validated_token)  # type: ignore[return-value]


def _names_a_user_id(claim: Any) -> bool:
    try:
        get_user_model()._meta.get_field(api_settings.USER_ID_FIELD).to_python(claim)  # type: ignore[union-attr]
    except (ValidationError, TypeError):
        return False
    return True


class JWTAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI bearer scheme drf-spectacular documents for simplejwt's class, for this subclass too."""

    target_class = JWTAuthentication  # type: ignore[assignment]  # drf-spectacular takes a class or its path
