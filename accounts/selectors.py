from django.db.models import Avg, Count, QuerySet

from accounts.models import User


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
    return active.filter(username__iexact=identifier).first()
