"""reviews 0003: whole-star ratings become half-star floats, and every distribution gets the half-star keys."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.migrations.exceptions import IrreversibleError

from movies.models import Movie
from movies.ratings import no_ratings
from tests.factories import MovieFactory, ReviewFactory

WHOLE = [("reviews", "0002_fill_movie_rating_distribution")]
HALF = [("reviews", "0004_half_star_ratings")]
WHOLE_STAR_ZEROS = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}

migration = importlib.import_module("reviews.migrations.0004_half_star_ratings")


def _seed_whole_stars(state) -> dict[str, int]:
    Movie = state.apps.get_model("movies", "Movie")
    Review = state.apps.get_model("reviews", "Review")
    User = state.apps.get_model("accounts", "User")
    users = [User.objects.create(username=f"critic{n}", password="!") for n in range(3)]
    rated = Movie.objects.create(title="Rated", avg_rating=11 / 3, review_count=3)
    unrated = Movie.objects.create(title="Unrated", rating_distribution=WHOLE_STAR_ZEROS)
    for user, rating in zip(users, (5, 5, 1), strict=True):
        Review.objects.create(user=user, movie=rated, rating=rating)
    # Stale on purpose: the migration counts the reviews, it does not trust what is stored.
    Movie.objects.filter(pk=rated.pk).update(rating_distribution={"1": 0, "2": 0, "3": 0, "4": 0, "5": 7})
    return {"rated": rated.pk, "unrated": unrated.pk, "user": users[0].pk}


@pytest.fixture
def migrated(migrator):
    ids = _seed_whole_stars(migrator.apply_tested_migration(WHOLE))
    return migrator, migrator.apply_tested_migration(HALF), ids


def test_ratings_keep_their_values_and_distributions_gain_the_half_star_keys(migrated):
    _, state, ids = migrated
    Movie = state.apps.get_model("movies", "Movie")
    Review = state.apps.get_model("reviews", "Review")

    assert sorted(Review.objects.values_list("rating", flat=True)) == [1.0, 5.0, 5.0]
    distributions = dict(Movie.objects.values_list("pk", "rating_distribution"))
    assert distributions[ids["rated"]] == {**no_ratings(), "1": 1, "5": 2}
    assert distributions[ids["unrated"]] == no_ratings()


def test_the_new_constraint_takes_half_stars_and_nothing_between(migrated):
    _, state, ids = migrated
    Review = state.apps.get_model("reviews", "Review")
    Movie = state.apps.get_model("movies", "Movie")

    Review.objects.create(user_id=ids["user"], movie_id=ids["unrated"], rating=4.5)
    for rating in (4.25, 0.0, 5.5):
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(user_id=ids["user"], movie=Movie.objects.create(title="x"), rating=rating)
    assert Review.objects.get(movie_id=ids["unrated"]).rating == 4.5


def test_going_back_restores_whole_star_distributions(migrated):
    migrator, _, ids = migrated

    state = migrator.apply_tested_migration(WHOLE)

    Movie = state.apps.get_model("movies", "Movie")
    Review = state.apps.get_model("reviews", "Review")
    assert sorted(Review.objects.values_list("rating", flat=True)) == [1, 5, 5]
    distributions = dict(Movie.objects.values_list("pk", "rating_distribution"))
    assert distributions[ids["rated"]] == {**WHOLE_STAR_ZEROS, "1": 1, "5": 2}
    assert distributions[ids["unrated"]] == WHOLE_STAR_ZEROS


def test_going_back_is_refused_while_a_review_has_half_a_star(migrated):
    migrator, state, ids = migrated
    state.apps.get_model("reviews", "Review").objects.filter(user_id=ids["user"]).update(rating=4.5)

    with pytest.raises(IrreversibleError, match="half a star"):
        migrator.apply_tested_migration(WHOLE)


@pytest.mark.django_db
def test_the_backfill_counts_every_movies_reviews_afresh():
    """The function the migration runs, on today's models: stale and old-style distributions are rebuilt."""
    rated, unrated = MovieFactory(), MovieFactory()
    for rating in (0.5, 4.5, 4.5, 5):
        ReviewFactory(movie=rated, rating=rating)
    Movie.objects.update(rating_distribution=WHOLE_STAR_ZEROS)

    migration.rebuild_distributions(apps)

    distributions = dict(Movie.objects.values_list("pk", "rating_distribution"))
    assert distributions[rated.pk] == {**no_ratings(), "0.5": 1, "4.5": 2, "5": 1}
    assert distributions[unrated.pk] == no_ratings()
