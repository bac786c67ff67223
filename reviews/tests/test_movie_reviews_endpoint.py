import pytest

from movies.tests.helpers import assert_error, days_ago, ids
from tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def url(pk) -> str:
    return f"/api/movies/{pk}/reviews/"


@pytest.fixture
def movie_reviews(movie):
    """Four reviews of `movie`: ratings and ages chosen so rating order differs from date order."""
    specs = [(3, 4), (5, 1), (1, 3), (4, 2)]  # (rating, days ago)
    return [ReviewFactory(movie=movie, rating=rating, created_at=days_ago(age)) for rating, age in specs]


def test_lists_only_this_movies_reviews_newest_first(api_client, movie, movie_reviews):
    ReviewFactory(movie=MovieFactory())

    response = api_client.get(url(movie.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    newest_first = sorted(movie_reviews, key=lambda review: review.created_at, reverse=True)
    assert ids(response) == [review.pk for review in newest_first]
    first = body["results"][0]
    assert first["movie"] == movie.pk
    assert first["movie_title"] == movie.title
    assert first["user"] == newest_first[0].user.username
    assert set(first) == {
        "id",
        "user",
        "movie",
        "movie_title",
        "rating",
        "body",
        "like_count",
        "comment_count",
        "created_at",
        "updated_at",
    }


def test_is_paginated(api_client, movie, movie_reviews):
    first = api_client.get(url(movie.pk), {"page_size": 3}).json()
    second = api_client.get(url(movie.pk), {"page_size": 3, "page": 2}).json()

    assert first["count"] == second["count"] == 4
    assert len(first["results"]) == 3 and len(second["results"]) == 1
    assert "page=2" in first["next"]
    assert second["next"] is None
    assert {row["id"] for row in first["results"] + second["results"]} == {review.pk for review in movie_reviews}


@pytest.mark.parametrize(
    ("ordering", "expected_ratings"),
    [
        ("rating", [1, 3, 4, 5]),
        ("-rating", [5, 4, 3, 1]),
        ("created_at", [3, 1, 4, 5]),
        ("-created_at", [5, 4, 1, 3]),
    ],
)
def test_is_orderable_by_rating_and_date(api_client, movie, movie_reviews, ordering, expected_ratings):
    response = api_client.get(url(movie.pk), {"ordering": ordering})
    assert response.status_code == 200
    assert [row["rating"] for row in response.json()["results"]] == expected_ratings


@pytest.mark.parametrize("ordering", ["title", "user", "body", "avg_rating"])
def test_unknown_ordering_is_rejected(api_client, movie, movie_reviews, ordering):
    body = assert_error(api_client.get(url(movie.pk), {"ordering": ordering}), 400, fields=("ordering",))
    assert "created_at" in body["errors"]["ordering"][0] and "rating" in body["errors"]["ordering"][0]


def test_invalid_page_size_is_rejected(api_client, movie):
    assert_error(api_client.get(url(movie.pk), {"page_size": 101}), 400, fields=("page_size",))


def test_movie_without_reviews_has_an_empty_page(api_client, movie):
    assert api_client.get(url(movie.pk)).json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_unknown_movie_is_404(api_client, movie):
    assert_error(api_client.get(url(movie.pk + 1000)), 404, code="not_found")


def test_non_numeric_movie_id_is_json_404(api_client, db):
    response = api_client.get(url("abc"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_is_read_only(admin_client, movie):
    response = admin_client.post(url(movie.pk), {"rating": 5}, format="json")
    assert_error(response, 405, code="method_not_allowed")
