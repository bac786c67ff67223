from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, QuerySet

User = get_user_model()


def users_with_review_stats() -> QuerySet:
    return User.objects.filter(is_active=True).annotate(
        review_count=Count("reviews"), average_rating_given=Avg("reviews__rating")
    )


def user_find_for_login(identifier: str):
    """The active user whose username or email matches `identifier`, ignoring case."""
    lookup = {"email__iexact": identifier} if "@" in identifier else {"username__iexact": identifier}
    return User.objects.filter(is_active=True, **lookup).first()
