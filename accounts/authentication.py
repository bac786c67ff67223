"""JWT authentication: simplejwt's, with the user read by one explicit statement (accounts.selectors)."""

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import User
from accounts.selectors import user_by_token_claim


class JWTAuthentication(SimpleJWTAuthentication):
    """The checks of simplejwt's get_user (the user exists, is active, and the token was not revoked by a password
    change); a claim that cannot name a user is a 401 too, not a 500."""

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        if api_settings.USER_ID_CLAIM not in validated_token:
            raise InvalidToken(_("Token contained no recognizable user identification"))
        user = _user_named_by(validated_token[api_settings.USER_ID_CLAIM])
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and _revoked(validated_token, user):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


def _revoked(token: Token, user: User) -> bool:
    return token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password)


def _user_named_by(claim: Any) -> User | None:
    try:
        value = get_user_model()._meta.get_field(api_settings.USER_ID_FIELD).to_python(claim)  # type: ignore[union-attr]
    except (ValidationError, TypeError):
        return None
    return user_by_token_claim(value)


class JWTAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI bearer scheme drf-spectacular documents for simplejwt's class, for this subclass too."""

    target_class = JWTAuthentication  # type: ignore[assignment]  # drf-spectacular takes a class or its path


def member(request: Request) -> User:
    """The logged-in user of a view that requires one (its permission classes have made sure)."""
    return cast(User, request.user)
