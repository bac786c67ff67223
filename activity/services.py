"""Activity writes: diary entries, watched marks, the watchlist, likes of films, "not interested".

Each runs in one transaction and calls catalogue_changed(): what it changes shows at once in cached lists, in
the member's stats and in their next recommendations.
"""

import datetime

from django.db import transaction
from django.db.models import F
from rest_framework.exceptions import ValidationError

from accounts.models import User
from activity.models import DiaryEntry, MovieLike, MovieMark
from activity.selectors import user_today
from core.caching import catalogue_changed
from movies.models import Movie
from reviews.models import Review
from reviews.services import review_rating_save

REVIEW_NEEDS_RATING_MESSAGE = "A review needs a rating: send one with the review."


def movie_mark(*, model: type[MovieMark], user: User, movie: Movie) -> tuple[MovieMark, bool]:
    """Put the mark on: the mark, and False when it was already there (nothing changes then)."""
    with transaction.atomic():
        mark, created = model.objects.get_or_create(user=user, movie=movie)
        if created:
            _count_change(model, movie.pk, +1)
            catalogue_changed()
    return mark, created


@transaction.atomic
def movie_unmark(*, model: type[MovieMark], user: User, movie: Movie) -> bool:
    """Take the mark off; False when there was none."""
    deleted, _ = model.objects.filter(user=user, movie=movie).delete()
    if deleted:
        _count_change(model, movie.pk, -1)
        catalogue_changed()
    return bool(deleted)


def _count_change(model: type[MovieMark], movie_id: int, delta: int) -> None:
    # One UPDATE relative to the stored value: exact however many likes land at once.
    if model is MovieLike:
        Movie.objects.filter(pk=movie_id).update(like_count=F("like_count") + delta)


@transaction.atomic
def user_movie_likes_delete(*, user: User) -> None:
    """Delete the user's likes of films, correcting the films' like counts (used when an account goes)."""
    liked = MovieLike.objects.filter(user=user)
    Movie.objects.filter(pk__in=liked.values("movie_id")).update(like_count=F("like_count") - 1)
    liked.delete()
    catalogue_changed()


@transaction.atomic
def diary_entry_create(
    *,
    user: User,
    movie: Movie,
    watched_on: datetime.date | None = None,
    rewatch: bool = False,
    rating: float | None = None,
    review_body: str | None = None,
) -> DiaryEntry:
    """Log a viewing. A rating (and review text) given with it is saved as the user's review of the film, which the
    entry links to."""
    review = _review_for_entry(user, movie, rating, review_body)
    entry = DiaryEntry.objects.create(
        user=user,
        movie=movie,
        watched_on=watched_on or user_today(user),
        rewatch=rewatch,
        rating=rating,
        review=review,
    )
    catalogue_changed()
    return entry


@transaction.atomic
def diary_entry_update(
    *,
    entry: DiaryEntry,
    watched_on: datetime.date | None = None,
    rewatch: bool | None = None,
    rating: float | None = None,
    clear_rating: bool = False,
    review_body: str | None = None,
) -> DiaryEntry:
    """Change an entry. A new rating or review text also goes to the user's review; clearing the entry's rating
    leaves the review as it is."""
    if watched_on is not None:
        entry.watched_on = watched_on
    if rewatch is not None:
        entry.rewatch = rewatch
    if clear_rating:
        entry.rating = None
    if rating is not None or review_body is not None:
        if rating is not None:
            entry.rating = rating
        entry.review = _review_for_entry(entry.user, entry.movie, rating, review_body)
    entry.save()
    catalogue_changed()
    return entry


@transaction.atomic
def diary_entry_delete(*, entry: DiaryEntry) -> None:
    """Delete the entry; the review it links to stays."""
    entry.delete()
    catalogue_changed()


def _review_for_entry(user: User, movie: Movie, rating: float | None, body: str | None) -> Review | None:
    if rating is None and body is None:
        return None
    if rating is None:
        existing = Review.objects.filter(user=user, movie=movie).first()
        if existing is None:
            raise ValidationError({"rating": [REVIEW_NEEDS_RATING_MESSAGE]}, code="required")
        rating = existing.rating
    return review_rating_save(user=user, movie=movie, rating=rating, body=body)
