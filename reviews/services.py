"""Review writes. Each keeps the movie's avg_rating and review_count exact in the same transaction."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from rest_framework.exceptions import ValidationError

from accounts.models import User
from core.caching import catalogue_changed
from follows.selectors import ensure_not_blocked
from movies.models import Movie
from movies.ratings import no_ratings, rating_key
from reviews.models import Review, ReviewLike

DUPLICATE_REVIEW_MESSAGE = "You have already reviewed this movie; edit your existing review instead."


def movie_aggregates_refresh(movie_ids: Iterable[int]) -> None:
    """Recompute avg_rating, review_count and rating_distribution from the reviews table, inside the caller's
    transaction (or a transaction of its own when called in autocommit, e.g. by an importer or a test factory).

    Locking the movie rows first serialises concurrent writers on PostgreSQL: the UPDATE that
    follows runs with a fresh snapshot that sees every review committed before the lock was granted.
    """
    ids = sorted(set(movie_ids))
    if not ids:
        return
    # SELECT ... FOR UPDATE raises TransactionManagementError in autocommit on PostgreSQL, and the lock
    # would be released at once anyway: it must be held until the UPDATE below has committed.
    with transaction.atomic():
        list(Movie.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        reviews = Review.objects.filter(movie=OuterRef("pk")).order_by().values("movie")
        Movie.objects.filter(pk__in=ids).update(
            review_count=Coalesce(Subquery(reviews.annotate(n=Count("pk")).values("n")), Value(0)),
            avg_rating=Coalesce(Subquery(reviews.annotate(a=Avg("rating")).values("a")), Value(0.0)),
        )
        _rating_distributions_refresh(ids)


def _rating_distributions_refresh(movie_ids: list[int]) -> None:
    distributions: defaultdict[int, dict[str, int]] = defaultdict(no_ratings)
    counts = Review.objects.filter(movie_id__in=movie_ids).values("movie_id", "rating").annotate(n=Count("pk"))
    for movie_id, rating, count in counts.order_by().values_list("movie_id", "rating", "n"):
        distributions[movie_id][rating_key(rating)] = count
    movies = [Movie(pk=movie_id, rating_distribution=distributions[movie_id]) for movie_id in movie_ids]
    Movie.objects.bulk_update(movies, ["rating_distribution"], batch_size=500)


def movie_reviews_changed(movie_ids: Iterable[int]) -> None:
    """Call inside the transaction that changed reviews of these movies."""
    movie_aggregates_refresh(movie_ids)
    catalogue_changed()


def review_create(*, user: User, movie: Movie, rating: float, body: str = "") -> Review:
    try:
        with transaction.atomic():
            review = Review.objects.create(user=user, movie=movie, rating=rating, body=body)
            movie_reviews_changed([movie.pk])
    except IntegrityError:
        # Two concurrent posts can both pass the serializer's check; the constraint decides.
        if Review.objects.filter(user=user, movie=movie).exists():
            raise ValidationError({"movie": [DUPLICATE_REVIEW_MESSAGE]}, code="duplicate") from None
        raise
    return review


@transaction.atomic
def review_update(*, review: Review, rating: float | None = None, body: str | None = None) -> Review:
    if rating is not None:
        review.rating = rating
    if body is not None:
        review.body = body
    review.save(update_fields=["rating", "body", "updated_at"])
    movie_reviews_changed([review.movie_id])
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    # Locked before Django collects the likes, comments and notifications to delete with it: one being written now
    # has locked the review too (or takes its key-share lock at commit), so it is either collected or refused.
    locked = Review.objects.select_for_update().filter(pk=review.pk).first()
    if locked is None:  # Deleted meanwhile by another request.
        return
    locked.delete()
    movie_reviews_changed([review.movie_id])


def review_locked(review_id: int) -> Review:
    """The review's row, locked until the transaction ends, so that what is written about it (a like, a comment)
    cannot outlive it; Http404 when it was deleted after the request read it."""
    review = Review.objects.select_for_update().filter(pk=review_id).only("pk", "user_id").first()
    if review is None:
        raise Http404("No such review.")
    return review


@transaction.atomic
def user_reviews_delete(*, user: User) -> None:
    """Delete all of a user's reviews and likes of reviews, correcting the affected movies and reviews (used when
    an account goes)."""
    liked = ReviewLike.objects.filter(user=user)
    Review.objects.filter(pk__in=liked.values("review_id")).update(like_count=F("like_count") - 1)
    liked.delete()
    movie_ids = list(Review.objects.filter(user=user).values_list("movie_id", flat=True))
    Review.objects.filter(user=user).delete()
    movie_reviews_changed(movie_ids)


OWN_REVIEW_LIKE_MESSAGE = "You cannot like your own review."


@transaction.atomic
def review_rating_save(*, user: User, movie: Movie, rating: float, body: str | None = None) -> Review:
    """The user's review of ``movie`` with this rating (and body, if given): created, or the existing one updated.

    Locks in the order every review write takes them (the review row, then the movie row in
    movie_reviews_changed), so that it never deadlocks with review_create; on PostgreSQL parallel saves by one user
    wait on the review row (or its unique key) and leave one review and exact aggregates.
    """
    review = Review.objects.select_for_update().filter(user=user, movie=movie).first()
    if review is None:
        try:
            with transaction.atomic():
                review = Review.objects.create(user=user, movie=movie, rating=rating, body=body or "")
                movie_reviews_changed([movie.pk])
            return review
        except IntegrityError:
            # A concurrent save created it first (and has committed): update that one.
            review = Review.objects.select_for_update().filter(user=user, movie=movie).first()
            if review is None:
                raise
    return review_update(review=review, rating=rating, body=body)


def review_like(*, user: User, review: Review) -> bool:
    """Like ``review``; False when the user already did (nothing changes then). Refused (Blocked, a 403) when the
    two members are on either side of a block."""
    if review.user_id == user.pk:
        raise ValidationError({"review": [OWN_REVIEW_LIKE_MESSAGE]}, code="own_review")
    ensure_not_blocked(user, review.user_id)
    with transaction.atomic():
        review_locked(review.pk)
        _, created = ReviewLike.objects.get_or_create(user=user, review=review)
        if created:
            Review.objects.filter(pk=review.pk).update(like_count=F("like_count") + 1)
            catalogue_changed()
    return created


@transaction.atomic
def review_unlike(*, user: User, review: Review) -> bool:
    """Take back a like of ``review``; False when there was none."""
    deleted, _ = ReviewLike.objects.filter(user=user, review=review).delete()
    if deleted:
        Review.objects.filter(pk=review.pk).update(like_count=F("like_count") - 1)
        catalogue_changed()
    return bool(deleted)


def _review_hidden_set(review: Review, hidden: bool) -> bool:
    with transaction.atomic():
        locked = Review.objects.select_for_update().filter(pk=review.pk).only("pk", "hidden").first()
        if locked is None or locked.hidden == hidden:
            return False
        locked.hidden = hidden
        # Only this column: moderation is not an edit, so updated_at stays as the author left it.
        locked.save(update_fields=["hidden"])
        catalogue_changed()
    review.hidden = hidden
    return True


def review_hide(*, review: Review) -> bool:
    """Moderation: take ``review`` out of every public read (its rating still counts in the movie's average).
    False when it was hidden already."""
    return _review_hidden_set(review, True)


def review_unhide(*, review: Review) -> bool:
    """Moderation: put a hidden review back. False when it was not hidden."""
    return _review_hidden_set(review, False)
