"""A genre's figures (films, their reviews, the mean of its rated films) are stored and counted again with the
popular figures, at most POPULAR_FIGURES_REFRESH_SECONDS apart: a read that finds them older counts them itself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from movies.models import Genre
from recommendations.tasks import refresh_popular_figures
from tests.factories import GenreFactory, MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def figures(api_client, slug: str) -> tuple:
    body = api_client.get(f"/api/genres/{slug}/").json()
    return body["movie_count"], body["review_count"], body["avg_rating"]


@pytest.fixture
def drama():
    genre = GenreFactory(name="Drama", slug="drama")
    rated, unrated = MovieFactory(genres=[genre]), MovieFactory(genres=[genre])
    MovieFactory()  # another genre's film
    ReviewFactory(movie=rated, rating=4)
    ReviewFactory(movie=rated, rating=3)
    return genre, rated, unrated


def test_the_figures_are_counted_from_the_films_of_the_genre(api_client, drama):
    assert figures(api_client, "drama") == (2, 2, 3.5)  # the unrated film is left out of the mean


def test_stored_figures_are_read_until_they_are_stale_then_counted_again(api_client, drama, settings):
    settings.POPULAR_FIGURES_REFRESH_SECONDS = 60
    _, rated, _ = drama
    refresh_popular_figures()
    ReviewFactory(movie=rated, rating=5)

    assert figures(api_client, "drama") == (2, 2, 3.5)  # counted less than a minute ago

    Genre.objects.update(stats_at=timezone.now() - timedelta(seconds=61))
    assert figures(api_client, "drama") == (2, 3, 4.0)


def test_a_genre_saved_by_an_admin_shows_its_figures_at_once(admin_client, drama, settings):
    settings.POPULAR_FIGURES_REFRESH_SECONDS = 60

    response = admin_client.post("/api/genres/", {"name": "Western"}, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["movie_count"], response.json()["review_count"]) == (0, 0)
    assert Genre.objects.get(slug="western").stats_at is not None
