import functools
from typing import Any

from django.db.models import Avg, Count, QuerySet, Value
from django.db.models.functions import Lower
from django.http import Http404
from rest_framework_simplejwt.settings import api_settings

from accounts.models import User
from core import sql


def users_named(username: str) -> QuerySet[User]:
    """The user called ``username`` in any case (names are unique ignoring case), found through that unique index on
    LOWER(username); ``username__iexact`` compares UPPER() and reads every user on PostgreSQL. Both sides are lowered
    by the database, so it matches the constraint exactly on every backend."""
    return User.objects.alias(username_lower=Lower("username")).filter(username_lower=Lower(Value(username)))


def user_id_named(username: str) -> int | None:
    return users_named(username).values_list("pk", flat=True).first()


def users_with_review_stats() -> QuerySet[User]:
    return User.objects.filter(is_active=True).annotate(
        review_count=Count("reviews"), average_rating_given=Avg("reviews__rating")
    )


def user_find_for_login(identifier: str) -> User | None:
    """The active user whose email or username matches `identifier`, ignoring case.

    An identifier containing "@" is tried as an email address first; usernames may contain "@"
    too, so it falls back to the username.
    """
    active = User.objects.filter(is_active=True)
    if "@" in identifier:
        user = active.filter(email__iexact=identifier).first()
        if user is not None:
            return user
    return users_named(identifier).filter(is_active=True).first()


def user_by_token_claim(value: Any) -> User | None:
    """The user whose USER_ID_FIELD (simplejwt's setting) holds ``value``, or None.

    Every authenticated request makes this lookup, and the ORM compiling it took most of a cached request's time:
    it is one explicit statement instead (a test holds it equal to the ORM's query).
    """
    return next(iter(User.objects.raw(_user_by_field_sql(), [value])), None)


@functools.cache
def _user_by_field_sql() -> str:
    where = sql.column(User, api_settings.USER_ID_FIELD)
    return f"SELECT {sql.columns(User)} FROM {sql.table(User)} WHERE {where} = %s"


def active_member(username: str) -> User:
    """The active member called ``username`` (any case), or a 404."""
    member = users_named(username).filter(is_active=True).first()
    if member is None:
        raise Http404("No such member.")
    return member
