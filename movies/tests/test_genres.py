"""Genre endpoints, genre-aware movie writes, and the genre services."""

import pytest

from movies.models import Genre, Movie
from movies.services import genres_get_or_create, unique_genre_slug
from tests.factories import GenreFactory, MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db

URL = "/api/genres/"


def detail_url(slug: str) -> str:
    return f"{URL}{slug}/"


@pytest.fixture
def drama_and_comedy():
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    rated = MovieFactory(genres=[drama])
    ReviewFactory(movie=rated, rating=4)
    ReviewFactory(movie=rated, rating=2)
    both = MovieFactory(genres=[drama, comedy])
    ReviewFactory(movie=both, rating=5)
    MovieFactory(genres=[drama])  # unrated: counts as a movie, not in the average
    return drama, comedy


def test_genre_list_carries_counts_and_average_rating(api_client, drama_and_comedy):
    rows = {row["slug"]: row for row in api_client.get(URL).json()["results"]}

    assert rows["drama"]["movie_count"] == 3
    assert rows["drama"]["review_count"] == 3
    assert rows["drama"]["avg_rating"] == pytest.approx((3.0 + 5.0) / 2)
    assert (rows["comedy"]["movie_count"], rows["comedy"]["review_count"]) == (1, 1)
    assert rows["comedy"]["avg_rating"] == 5.0


def test_genre_without_movies_has_zero_counts_and_no_average(api_client):
    GenreFactory(name="Western")
    row = api_client.get(URL).json()["results"][0]
    assert (row["movie_count"], row["review_count"], row["avg_rating"]) == (0, 0, None)


@pytest.mark.parametrize(
    ("ordering", "expected"), [("name", ["comedy", "drama"]), ("-movie_count", ["drama", "comedy"])]
)
def test_genre_list_is_orderable_by_its_statistics(api_client, drama_and_comedy, ordering, expected):
    response = api_client.get(URL, {"ordering": ordering})
    assert [row["slug"] for row in response.json()["results"]] == expected


def test_genre_list_orders_by_average_rating(api_client, drama_and_comedy):
    response = api_client.get(URL, {"ordering": "-avg_rating"})
    assert [row["slug"] for row in response.json()["results"]] == ["comedy", "drama"]


def test_genre_detail_lists_its_movies_paginated(api_client, drama_and_comedy):
    response = api_client.get(detail_url("drama"), {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Drama"
    assert body["movies"]["count"] == 3
    assert len(body["movies"]["results"]) == 2
    assert "page=2" in body["movies"]["next"]
    assert all("Drama" in [g["name"] for g in movie["genres"]] for movie in body["movies"]["results"])


def test_unknown_genre_slug_is_404(api_client):
    assert api_client.get(detail_url("no-such-genre")).status_code == 404


def test_admin_creates_a_genre_with_a_generated_slug(admin_client):
    response = admin_client.post(URL, {"name": "Science Fiction", "description": "Space."}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "science-fiction"
    assert response.json()["movie_count"] == 0
    assert Genre.objects.get().description == "Space."


def test_genre_names_are_unique_regardless_of_case(admin_client):
    GenreFactory(name="Horror")
    response = admin_client.post(URL, {"name": "hORROR"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert Genre.objects.count() == 1


def test_taken_slug_is_rejected(admin_client):
    GenreFactory(name="Horror", slug="horror")
    response = admin_client.post(URL, {"name": "Scary", "slug": "horror"}, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["errors"]


def test_admin_renames_a_genre_by_slug(admin_client, drama_and_comedy):
    response = admin_client.patch(detail_url("comedy"), {"name": "Comedies"}, format="json")

    assert response.status_code == 200
    assert response.json()["movie_count"] == 1
    assert Genre.objects.get(slug="comedy").name == "Comedies"


def test_deleting_a_genre_keeps_its_movies(admin_client, drama_and_comedy):
    movies_before = Movie.objects.count()

    response = admin_client.delete(detail_url("drama"))

    assert response.status_code == 204
    assert not Genre.objects.filter(slug="drama").exists()
    assert Movie.objects.count() == movies_before
    assert Movie.objects.filter(genres__slug="comedy").count() == 1


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_admins_write_genres(api_client, user_client, method):
    GenreFactory(name="Drama")
    url = URL if method == "post" else detail_url("drama")
    payload = {"name": "Noir"}
    assert getattr(api_client, method)(url, payload, format="json").status_code == 401
    assert getattr(user_client, method)(url, payload, format="json").status_code == 403
    assert Genre.objects.get().name == "Drama"


def test_movies_carry_their_genres(api_client):
    movie = MovieFactory(genres=["Action", "Sci-Fi"])
    body = api_client.get(f"/api/movies/{movie.pk}/").json()
    assert sorted((g["name"], g["slug"]) for g in body["genres"]) == [("Action", "action"), ("Sci-Fi", "sci-fi")]
    assert set(body["genres"][0]) == {"id", "name", "slug"}


def test_movie_writes_take_genre_ids(admin_client):
    action, drama = GenreFactory(name="Action"), GenreFactory(name="Drama")
    response = admin_client.post("/api/movies/", {"title": "Heat", "genre_ids": [action.pk, drama.pk]}, format="json")

    assert response.status_code == 201
    movie = Movie.objects.get()
    assert set(movie.genres.all()) == {action, drama}
    assert {g["slug"] for g in response.json()["genres"]} == {"action", "drama"}

    response = admin_client.patch(f"/api/movies/{movie.pk}/", {"genre_ids": [drama.pk]}, format="json")
    assert response.status_code == 200
    assert list(movie.genres.all()) == [drama]


def test_unknown_genre_ids_are_a_400_naming_them_and_nothing_is_written(admin_client):
    action = GenreFactory(name="Action")
    response = admin_client.post("/api/movies/", {"title": "Heat", "genre_ids": [action.pk, 998, 999]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["genre_ids"] == ["Unknown genre ids: 998, 999."]
    assert not Movie.objects.exists()


def test_genres_cannot_be_written_through_the_read_only_field(admin_client, movie):
    response = admin_client.patch(f"/api/movies/{movie.pk}/", {"genres": [{"name": "Hack"}]}, format="json")
    assert response.status_code in (200, 400)
    assert not movie.genres.exists()
    assert not Genre.objects.exists()


def test_genres_get_or_create_collapses_case_and_reuses_rows():
    existing = GenreFactory(name="Drama")
    genres = genres_get_or_create(["drama", "  Film   Noir ", "FILM NOIR", ""])

    assert genres["drama"] == existing
    assert genres["film noir"].name == "Film Noir"
    assert genres["film noir"].slug == "film-noir"
    assert Genre.objects.count() == 2
    assert genres_get_or_create([]) == {}


def test_unique_genre_slug_avoids_taken_slugs():
    GenreFactory(name="Sci-Fi", slug="sci-fi")
    assert unique_genre_slug("Sci Fi") == "sci-fi-2"
    assert unique_genre_slug("Sci Fi", taken={"sci-fi", "sci-fi-2"}) == "sci-fi-3"
    assert unique_genre_slug("!!!", taken=set()) == "genre"
