"""Review reads. A hidden (moderated) review is left out of every public read; its author and admins still see it
by its id. Lists leave out the reviews of members on the other side of a block from a logged-in viewer."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from core.filters import BIGINT_MAX
from follows.selectors import without_blocked
from movies.models import Movie
from reviews.models import Review

Viewer = User | AnonymousUser

# What a review row shows: its own fields, the author's username and the movie's title. Loading only
# these keeps list pages from decoding every column of two joined tables.
REVIEW_ROW_FIELDS = (
    "id",
    "rating",
    "body",
    "like_count",
    "comment_count",
    "created_at",
    "updated_at",
    "user_id",
    "movie_id",
)


def review_list() -> QuerySet[Review]:
    """Every review, hidden ones included, as a row shows it."""
    return Review.objects.select_related("user", "movie").only(*REVIEW_ROW_FIELDS, "user__username", "movie__title")


def public_reviews() -> QuerySet[Review]:
    """What everyone may read: the reviews no admin has hidden. The same for every caller, so cacheable."""
    return review_list().filter(hidden=False)


def public_review_count() -> int:
    """How many reviews the public list holds, from the films' maintained review counts less the hidden reviews:
    counting millions of review rows for every page would take most of a second."""
    hidden = Review.objects.filter(hidden=True).order_by().values("hidden").annotate(n=Count("pk")).values("n")
    counts = Movie.objects.aggregate(public=Coalesce(Sum("review_count"), 0) - Coalesce(Subquery(hidden), 0))
    return counts["public"]


def reviews_listed_for(viewer: Viewer) -> QuerySet[Review]:
    """The public reviews without those by members on the other side of a block from ``viewer``."""
    return without_blocked(public_reviews(), viewer)


def newest_written_reviews(viewer: Viewer, limit: int) -> list[Review]:
    """The newest public reviews with a text, without those across a block from ``viewer``."""
    rows = reviews_listed_for(viewer).exclude(body="").order_by("-created_at", "-id")
    return list(rows[:limit])


def reviews_visible_to(viewer: Viewer) -> QuerySet[Review]:
    """The reviews ``viewer`` may open by id: the public ones, plus hidden ones to their author and to admins."""
    if viewer.is_authenticated and viewer.is_staff:
        return review_list()
    if viewer.is_authenticated:
        return review_list().filter(Q(hidden=False) | Q(user_id=viewer.pk))
    return public_reviews()


def review_visible(review_id: int, viewer: Viewer) -> Review:
    """The review if ``viewer`` may see it; otherwise a 404, whether it is hidden or does not exist."""
    review = reviews_visible_to(viewer).filter(pk=review_id).first() if 0 < review_id <= BIGINT_MAX else None
    if review is None:
        raise Http404("No such review.")
    return review


def review_count_now(review_id: int, count: str) -> int:
    """The review's ``count`` ("like_count", "comment_count") as it is now, just after a write by this request:
    Http404 if its author deleted it the moment that write committed (what was written went with it)."""
    value = Review.objects.filter(pk=review_id).values_list(count, flat=True).first()
    if value is None:
        raise Http404("No such review.")
    return value
