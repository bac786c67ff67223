from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.selectors import users_named
from core.caching import catalogue_changed


def tokens_for_user(user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _validate_password_for(field: str, password: str, user: User) -> None:
    """Django's password validators, reported against the request field that carried the password."""
    try:
        validate_password(password, user=user)
    except DjangoValidationError as error:
        raise ValidationError({field: list(error.messages)}) from None


def _taken_fields(*, username: str, email: str) -> dict[str, list[str]]:
    errors = {}
    if users_named(username).exists():
        errors["username"] = ["A user with that username already exists."]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["A user with that email already exists."]
    return errors or {"username": ["A user with that username or email already exists."]}


def user_register(*, username: str, email: str, password: str) -> User:
    user = User(username=username, email=email)
    _validate_password_for("password", password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A concurrent registration took the name or address between validation and insert.
        raise ValidationError(_taken_fields(username=username, email=email)) from None
    return user


def user_refresh_tokens_revoke(*, user: User) -> None:
    """Blacklist every refresh token issued to `user` that is not blacklisted yet."""
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


def _file_delete_on_commit(storage: Storage, name: str | None) -> None:
    """Remove a file the database no longer points at, once that change is committed."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def user_update(*, user: User, preferred_genres: list | None = None, **fields: Any) -> User:
    """Write only the given profile fields, so a concurrent password change is never overwritten.

    ``preferred_genres`` replaces the genres a user without reviews is recommended from.
    """
    if not fields and preferred_genres is None:
        return user
    previous_avatar = user.avatar.name
    for name, value in fields.items():
        setattr(user, name, value)
    with transaction.atomic():
        if fields:
            user.save(update_fields=list(fields))
        if previous_avatar != user.avatar.name:
            _file_delete_on_commit(user.avatar.storage, previous_avatar)
        if preferred_genres is not None:
            user.preferred_genres.set(preferred_genres)
        # Cached pages show the profile (a diary made private must stop showing at once); for-you is drawn from
        # the preferred genres.
        catalogue_changed()
    return user


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["Current password is incorrect."]})
    _validate_password_for("new_password", new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_refresh_tokens_revoke(user=user)


@transaction.atomic
def user_delete(*, user: User, password: str) -> None:
    if not user.check_password(password):
        raise ValidationError({"password": ["Password is incorrect."]})
    user_remove(user=user)


@transaction.atomic
def user_remove(*, user: User) -> None:
    """Delete an account with everything that hangs off it (its reviews go through reviews.signals, which keeps the
    movies' aggregates exact)."""
    # Blacklist first: once the row is gone the tokens lose their owner and could not be found by user.
    user_refresh_tokens_revoke(user=user)
    _file_delete_on_commit(user.avatar.storage, user.avatar.name)
    user.delete()
    catalogue_changed()
