"""JWT authentication with the user lookup that every authenticated request makes compiled once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from core.prepared import PreparedQuery

User = get_user_model()

# Compiling this query took most of an authenticated request's database time; it only changes with the schema.
_user_by_id = PreparedQuery(
    lambda user_id: User._default_manager.filter(**{api_settings.USER_ID_FIELD: user_id})[:1], user_id=-7_301_239
)


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's JWTAuthentication with the same checks (user exists, is active, token not revoked by a
    password change); only the user's row is read through a prepared query."""

    def get_user(self, validated_token: Token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as error:
            raise InvalidToken(_("Token contained no recognizable user identification")) from error
        user = _user_by_id.first(User, user_id=_pk(user_id))
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


def _pk(user_id) -> int:
    """The claim as a primary key; a claim that is not one names no user."""
    try:
        return User._meta.get_field(api_settings.USER_ID_FIELD).to_python(user_id)
    except (ValidationError, TypeError) as error:
        raise AuthenticationFailed(_("User not found"), code="user_not_found") from error


class JWTAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI bearer scheme drf-spectacular documents for simplejwt's class, for this subclass too."""

    target_class = JWTAuthentication
