from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from reviews.services import user_reviews_delete

User = get_user_model()


def tokens_for_user(user) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def user_register(*, username: str, email: str, password: str) -> User:
    user = User(username=username, email=email)
    validate_password(password, user=user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A concurrent registration took the name between validation and insert.
        raise ValidationError({"username": ["A user with that username or email already exists."]}) from None
    return user


def user_refresh_tokens_revoke(*, user) -> None:
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


@transaction.atomic
def user_password_change(*, user, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["Current password is incorrect."]})
    validate_password(new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_refresh_tokens_revoke(user=user)


@transaction.atomic
def user_delete(*, user, password: str) -> None:
    if not user.check_password(password):
        raise ValidationError({"password": ["Password is incorrect."]})
    user_reviews_delete(user=user)
    user.delete()
