"""Query counts are pinned and do not grow with the page size (no N+1)."""

import pytest

from conftest import authenticated_client
from movies.models import Movie
from movies.selectors import genre_links
from movies.services import genre_stats_refresh
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [5, 25]


@pytest.mark.parametrize("size", SIZES)
def test_movie_list_runs_two_queries_whatever_the_page_size(api_client, django_assert_num_queries, size):
    for movie in MovieFactory.create_batch(size, genres=["Drama", "Crime"]):
        ReviewFactory(movie=movie)

    with django_assert_num_queries(3):  # COUNT, the page, then every genre of the page at once.
        response = api_client.get("/api/movies/", {"page_size": size})

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_filtered_and_ordered_movie_list_still_runs_two_queries(api_client, django_assert_num_queries, size):
    MovieFactory.create_batch(size, genres=["Drama", "Crime"])

    with django_assert_num_queries(3):
        response = api_client.get(
            "/api/movies/", {"page_size": size, "genre": "crime", "search": "movie", "ordering": "-avg_rating"}
        )

    assert response.json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_authenticated_movie_list_adds_the_user_lookup_and_one_viewer_query(django_assert_num_queries, size):
    client = authenticated_client(UserFactory())
    MovieFactory.create_batch(size, genres=["Drama"])

    with django_assert_num_queries(5):
        response = client.get("/api/movies/", {"page_size": size})

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_movie_detail_runs_two_queries_whatever_the_number_of_reviews(api_client, django_assert_num_queries, size):
    movie = MovieFactory()
    ReviewFactory.create_batch(size, movie=movie)

    with django_assert_num_queries(2):  # The movie (with its rating distribution), then its genres.
        response = api_client.get(f"/api/movies/{movie.pk}/")

    assert sum(response.json()["rating_distribution"].values()) == size


@pytest.mark.parametrize("size", SIZES)
def test_movie_reviews_runs_three_queries_whatever_the_page_size(api_client, django_assert_num_queries, size):
    movie = MovieFactory()
    ReviewFactory.create_batch(size, movie=movie)  # Each by a different user.

    with django_assert_num_queries(3):  # The movie, COUNT, then the page with users joined.
        response = api_client.get(f"/api/movies/{movie.pk}/reviews/", {"page_size": size})

    rows = response.json()["results"]
    assert len(rows) == size
    assert len({row["user"] for row in rows}) == size


@pytest.mark.parametrize("size", SIZES)
def test_genre_list_runs_three_queries_whatever_the_page_size(api_client, django_assert_num_queries, size, settings):
    from tests.factories import GenreFactory

    settings.POPULAR_FIGURES_REFRESH_SECONDS = 60
    for genre in GenreFactory.create_batch(size):
        ReviewFactory(movie=MovieFactory(genres=[genre]))
    genre_stats_refresh()

    with django_assert_num_queries(3):  # Whether the figures are fresh, COUNT, then the page with its figures.
        response = api_client.get("/api/genres/", {"page_size": size})

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_genre_detail_runs_five_queries_whatever_the_page_size(api_client, django_assert_num_queries, size, settings):
    settings.POPULAR_FIGURES_REFRESH_SECONDS = 60
    MovieFactory.create_batch(size, genres=["Drama", "Crime"])
    genre_stats_refresh()

    # Whether the figures are fresh, the genre with its figures, COUNT, the page, its movies' genres.
    with django_assert_num_queries(5):
        response = api_client.get("/api/genres/drama/", {"page_size": size})

    assert len(response.json()["movies"]["results"]) == size


def test_the_genre_links_statement_returns_what_the_orm_returns(db):
    movies = [MovieFactory(genres=["Drama", "Action", "Zombie"]), MovieFactory(genres=["Action"]), MovieFactory()]
    ids = [movie.pk for movie in movies]
    expected = list(
        Movie.genres.through.objects.filter(movie_id__in=ids)
        .order_by("genre__name", "genre_id")
        .values_list("movie_id", "genre_id", "genre__name", "genre__slug")
    )

    assert [tuple(row) for row in genre_links(ids)] == expected
    assert len(expected) == 4
    assert genre_links([]) == []
