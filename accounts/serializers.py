from django.contrib.auth import get_user_model
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.validators import validate_avatar, validate_username_not_reserved
from core.filters import BIGINT_MAX
from core.serializers import RejectUnknownFieldsMixin
from movies.models import Genre
from movies.serializers import GenreSummarySerializer

User = get_user_model()

USERNAME_MIN_LENGTH = 3


def _validate_unique_ci(field: str, value: str, instance=None) -> str:
    others = User.objects.filter(**{f"{field}__iexact": value})
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise serializers.ValidationError(f"A user with that {field} already exists.")
    return value


class RegisterSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150, min_length=USERNAME_MIN_LENGTH)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})

    def validate_username(self, value: str) -> str:
        validate_username_not_reserved(value)
        return _validate_unique_ci("username", value)

    def validate_email(self, value: str) -> str:
        return _validate_unique_ci("email", value)


class LoginSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username or email address.")
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    refresh = serializers.CharField()


class AccountRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's rotation, refusing tokens of deleted or inactive users and of an old password.

    simplejwt itself crashes (500) on a token whose user was deleted, and only access tokens carry
    the password-hash check; a refresh token minted before a password change must not live on.
    """

    def validate(self, attrs):
        refresh = self.token_class(attrs["refresh"])  # signature, expiry, type and blacklist
        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first() if user_id else None
        if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
            raise exceptions.AuthenticationFailed("No active account found for the given token.", "no_active_account")
        if jwt_settings.CHECK_REVOKE_TOKEN and refresh.payload.get(
            jwt_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise exceptions.AuthenticationFailed("The user's password has been changed.", "password_changed")
        return super().validate(attrs)


class UserSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """The logged-in user's own account."""

    avatar = serializers.ImageField(required=False, allow_null=True, validators=[validate_avatar])
    preferred_genres = GenreSummarySerializer(many=True, read_only=True)
    preferred_genre_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        write_only=True,
        required=False,
        max_length=50,
        help_text="Ids of the genres to recommend from before you have reviews; replaces the current set.",
    )
    preferred_genre_slugs = serializers.ListField(
        child=serializers.SlugField(max_length=60),
        write_only=True,
        required=False,
        max_length=50,
        help_text="The same by slug, instead of preferred_genre_ids.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "bio",
            "avatar",
            "date_joined",
            "is_staff",
            "preferred_genres",
            "preferred_genre_ids",
            "preferred_genre_slugs",
            "diary_public",
            "watchlist_public",
            "time_zone",
        ]
        read_only_fields = ["id", "date_joined", "is_staff"]
        extra_kwargs = {"email": {"required": False}, "username": {"min_length": USERNAME_MIN_LENGTH}}

    def validate_username(self, value: str) -> str:
        validate_username_not_reserved(value)
        return _validate_unique_ci("username", value, self.instance)

    def validate_email(self, value: str) -> str:
        if not value:
            raise serializers.ValidationError("An email address is required.")
        return _validate_unique_ci("email", value, self.instance)

    def validate_preferred_genre_ids(self, ids: list[int]) -> list[Genre]:
        return _genres_named_by("pk", ids)

    def validate_preferred_genre_slugs(self, slugs: list[str]) -> list[Genre]:
        return _genres_named_by("slug", slugs)

    def validate(self, attrs: dict) -> dict:
        by_id = attrs.pop("preferred_genre_ids", None)
        by_slug = attrs.pop("preferred_genre_slugs", None)
        if by_id is not None and by_slug is not None:
            raise serializers.ValidationError(
                {"preferred_genre_slugs": ["Send preferred_genre_ids or preferred_genre_slugs, not both."]}
            )
        if by_id is not None or by_slug is not None:
            attrs["preferred_genres"] = by_id if by_id is not None else by_slug
        return attrs


def _genres_named_by(field: str, values: list) -> list[Genre]:
    """The genres for ``values`` of ``field`` (pk or slug), or a validation error naming the unknown ones."""
    wanted = list(dict.fromkeys(values))
    found = {getattr(genre, field): genre for genre in Genre.objects.filter(**{f"{field}__in": wanted})}
    unknown = [value for value in wanted if value not in found]
    if unknown:
        raise serializers.ValidationError(f"Unknown genres: {', '.join(map(str, unknown))}.")
    return [found[value] for value in wanted]


class PublicProfileSerializer(serializers.ModelSerializer):
    review_count = serializers.IntegerField(read_only=True)
    average_rating_given = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "bio",
            "avatar",
            "date_joined",
            "review_count",
            "average_rating_given",
        ]


class PasswordChangeSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    old_password = serializers.CharField(write_only=True, max_length=128)
    new_password = serializers.CharField(write_only=True, max_length=128)


class AccountDeleteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    password = serializers.CharField(write_only=True, max_length=128)
