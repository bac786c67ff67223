"""reviews.services called directly: each write leaves movie.avg_rating and movie.review_count exact."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from core.caching import GENERATION_KEY, bump_generation, current_generation
from movies.models import Movie
from movies.ratings import no_ratings
from movies.tests.helpers import set_movie_fields
from reviews import services
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def aggregates(movie: Movie) -> tuple[float, int]:
    movie.refresh_from_db()
    return movie.avg_rating, movie.review_count


# --- review_create ---------------------------------------------------------------------------


def test_review_create_saves_the_review_and_updates_the_movie(user, movie):
    review = services.review_create(user=user, movie=movie, rating=5, body="Superb.")

    assert Review.objects.get(pk=review.pk).body == "Superb."
    assert (review.user, review.movie, review.rating) == (user, movie, 5)
    assert aggregates(movie) == (5, 1)


def test_review_create_averages_over_every_user(movie):
    for rating in [5, 4, 4, 2, 1]:
        services.review_create(user=UserFactory(), movie=movie, rating=rating)
    assert aggregates(movie) == (pytest.approx(16 / 5), 5)


def test_review_create_twice_raises_validation_error_from_the_constraint(user, movie):
    """No serializer check runs here: the unique constraint fires and the IntegrityError is translated."""
    services.review_create(user=user, movie=movie, rating=4)

    with pytest.raises(ValidationError) as raised:
        services.review_create(user=user, movie=movie, rating=1)

    assert raised.value.detail == {"movie": [services.DUPLICATE_REVIEW_MESSAGE]}
    assert raised.value.get_codes() == {"movie": ["duplicate"]}
    assert Review.objects.filter(user=user, movie=movie).count() == 1
    assert aggregates(movie) == (4, 1)


def test_review_create_inside_an_outer_transaction_survives_the_duplicate(user, movie):
    """The savepoint around the insert keeps the caller's transaction usable after the IntegrityError."""
    services.review_create(user=user, movie=movie, rating=4)
    with transaction.atomic():
        with pytest.raises(ValidationError):
            services.review_create(user=user, movie=movie, rating=2)
        other = services.review_create(user=UserFactory(), movie=movie, rating=2)
    assert Review.objects.filter(pk=other.pk).exists()
    assert aggregates(movie) == (3, 2)


@pytest.mark.parametrize("rating", [9, 0, 0.3, 4.25, 5.5])
def test_review_create_reraises_integrity_errors_that_are_not_duplicates(user, movie, rating):
    """A rating off the half-star scale violates the check constraint: a bug in the caller, not a duplicate."""
    with pytest.raises(IntegrityError):
        services.review_create(user=user, movie=movie, rating=rating)
    assert not Review.objects.exists()
    assert aggregates(movie) == (0, 0)


# --- review_update ---------------------------------------------------------------------------


def test_review_update_changes_rating_and_body(review):
    services.review_update(review=review, rating=1, body="Changed my mind.")

    fresh = Review.objects.get(pk=review.pk)
    assert (fresh.rating, fresh.body) == (1, "Changed my mind.")
    assert aggregates(review.movie) == (1, 1)


def test_review_update_with_only_body_keeps_rating(review):
    services.review_update(review=review, body="Only the words.")
    fresh = Review.objects.get(pk=review.pk)
    assert (fresh.rating, fresh.body) == (4, "Only the words.")


def test_review_update_with_only_rating_keeps_body(review):
    body = review.body
    services.review_update(review=review, rating=2)
    fresh = Review.objects.get(pk=review.pk)
    assert (fresh.rating, fresh.body) == (2, body)


def test_review_update_recomputes_the_average_among_other_reviews(movie, review):
    ReviewFactory(movie=movie, rating=2)
    ReviewFactory(movie=movie, rating=3)
    assert aggregates(movie) == (3, 3)

    services.review_update(review=review, rating=1)

    assert aggregates(movie) == (2, 3)


# --- review_delete ---------------------------------------------------------------------------


def test_review_delete_removes_the_review_and_corrects_the_movie(movie, review):
    ReviewFactory(movie=movie, rating=1)

    services.review_delete(review=review)

    assert not Review.objects.filter(pk=review.pk).exists()
    assert aggregates(movie) == (1, 1)


def test_deleting_the_last_review_resets_the_movie_to_zero(review):
    services.review_delete(review=review)
    assert aggregates(review.movie) == (0, 0)


# --- movie_aggregates_refresh ----------------------------------------------------------------


def test_refresh_repairs_drifted_aggregates_for_several_movies():
    reviewed = MovieFactory()
    unreviewed = MovieFactory()
    untouched = MovieFactory()
    ReviewFactory(movie=reviewed, rating=5)
    ReviewFactory(movie=reviewed, rating=2)
    for movie in (reviewed, unreviewed, untouched):
        set_movie_fields(movie, avg_rating=1.0, review_count=77)

    services.movie_aggregates_refresh([reviewed.pk, unreviewed.pk, reviewed.pk])

    assert aggregates(reviewed) == (3.5, 2)
    assert aggregates(unreviewed) == (0, 0)
    assert aggregates(untouched) == (1.0, 77)  # Not asked for, not changed.


def test_refresh_of_nothing_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        services.movie_aggregates_refresh([])


def test_refresh_ignores_ids_of_missing_movies(movie):
    services.movie_aggregates_refresh([movie.pk, movie.pk + 1000])
    assert aggregates(movie) == (0, 0)


def test_average_is_not_truncated_to_an_integer(movie):
    for rating in [5, 4, 4]:
        ReviewFactory(movie=movie, rating=rating)
    avg, count = aggregates(movie)
    assert count == 3
    assert avg == pytest.approx(13 / 3)
    assert avg != 4


@pytest.mark.django_db(transaction=True)
def test_refresh_works_outside_a_transaction(movie):
    """Callers such as the test factory and importers run in autocommit; on PostgreSQL SELECT ... FOR UPDATE
    there would raise TransactionManagementError unless the function opens its own transaction."""
    Review.objects.create(user=UserFactory(), movie=movie, rating=3)

    services.movie_aggregates_refresh([movie.pk])

    assert aggregates(movie) == (3, 1)


# --- user_reviews_delete ---------------------------------------------------------------------


def test_user_reviews_delete_removes_only_that_users_reviews_and_corrects_each_movie(user, other_user):
    first, second, untouched = MovieFactory.create_batch(3)
    ReviewFactory(user=user, movie=first, rating=5)
    ReviewFactory(user=user, movie=second, rating=1)
    ReviewFactory(user=other_user, movie=first, rating=3)
    ReviewFactory(user=other_user, movie=untouched, rating=2)

    services.user_reviews_delete(user=user)

    assert not Review.objects.filter(user=user).exists()
    assert Review.objects.filter(user=other_user).count() == 2
    assert aggregates(first) == (3, 1)
    assert aggregates(second) == (0, 0)
    assert aggregates(untouched) == (2, 1)


def test_user_reviews_delete_for_user_without_reviews_changes_nothing(user, review):
    services.user_reviews_delete(user=UserFactory())
    assert Review.objects.count() == 1
    assert aggregates(review.movie) == (4, 1)


# --- Cache generation ------------------------------------------------------------------------


def test_writes_bump_the_recommendations_generation_only_on_commit(user, movie, django_capture_on_commit_callbacks):
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review = services.review_create(user=user, movie=movie, rating=4)
    assert current_generation() == before
    assert bump_generation in callbacks

    with django_capture_on_commit_callbacks(execute=True):
        services.review_update(review=review, rating=3)
    assert current_generation() == before + 1

    with django_capture_on_commit_callbacks(execute=True):
        services.review_delete(review=review)
    assert current_generation() == before + 2


# --- Rating distribution ---------------------------------------------------------------------


def distribution(movie: Movie) -> dict[str, int]:
    return Movie.objects.get(pk=movie.pk).rating_distribution


def test_a_new_movie_has_every_rating_counted_zero(movie):
    assert distribution(movie) == dict.fromkeys(["0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"], 0)


def test_every_review_write_keeps_the_rating_distribution_exact(user, other_user, movie):
    review = services.review_create(user=user, movie=movie, rating=4)
    services.review_create(user=other_user, movie=movie, rating=4)
    assert distribution(movie) == {**no_ratings(), "4": 2}

    services.review_update(review=review, rating=0.5)
    assert distribution(movie) == {**no_ratings(), "0.5": 1, "4": 1}

    services.review_update(review=review, rating=4.5)
    assert distribution(movie) == {**no_ratings(), "4": 1, "4.5": 1}

    services.review_delete(review=review)
    assert distribution(movie) == {**no_ratings(), "4": 1}

    services.user_reviews_delete(user=other_user)
    assert distribution(movie) == no_ratings()


def test_half_stars_are_counted_under_their_own_keys_and_averaged_exactly(movie):
    ratings = [0.5, 1, 1.5, 2.5, 3.5, 3.5, 4.5, 4.5, 4.5, 5]
    for rating in ratings:
        ReviewFactory(movie=movie, rating=rating)

    assert distribution(movie) == {**no_ratings(), "0.5": 1, "1": 1, "1.5": 1, "2.5": 1, "3.5": 2, "4.5": 3, "5": 1}
    # Every sum of half stars is exact; the mean is the one correctly rounded division of it.
    assert aggregates(movie) == (sum(ratings) / len(ratings), len(ratings))
    assert sorted(Review.objects.values_list("rating", flat=True)) == sorted(ratings)


def test_a_lost_generation_counter_restarts_above_every_earlier_value():
    before = current_generation()
    bump_generation()
    cache.delete(GENERATION_KEY)  # evicted, or the cache restarted

    bump_generation()

    # Entries cached under an earlier generation must never look current again.
    assert current_generation() > before + 1
