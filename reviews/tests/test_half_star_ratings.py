"""Ratings in half stars through the API: stored and written back exactly, counted and averaged exactly, filtered."""

import pytest

from movies.ratings import RATING_RULE, no_ratings
from movies.tests.helpers import assert_error, ids
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/reviews/"


def movie_numbers(movie) -> tuple[float, int, dict[str, int]]:
    movie.refresh_from_db()
    return movie.avg_rating, movie.review_count, movie.rating_distribution


def test_a_half_star_is_stored_and_written_back_exactly(user_client, other_client, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": 4.5, "body": "Nearly."}, format="json")
    other_client.post(URL, {"movie": movie.pk, "rating": 3}, format="json")

    assert response.status_code == 201, response.content
    assert b'"rating":4.5,' in response.content
    review = Review.objects.get(pk=response.json()["id"])
    assert review.rating == 4.5
    assert user_client.get(f"{URL}{review.pk}/").json()["rating"] == 4.5
    assert movie_numbers(movie) == (3.75, 2, {**no_ratings(), "3": 1, "4.5": 1})


@pytest.mark.parametrize("rating", [4, 4.0, "4"])
def test_a_whole_star_is_written_back_as_an_integer_as_before(user_client, movie, rating):
    response = user_client.post(URL, {"movie": movie.pk, "rating": rating}, format="json")

    assert response.status_code == 201, response.content
    assert b'"rating":4,' in response.content
    assert Review.objects.get().rating == 4.0
    assert user_client.get(URL).content.count(b'"rating":4,') == 1


def test_a_form_post_takes_a_half_star(user_client, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": "2.5"}, format="multipart")
    assert response.status_code == 201, response.content
    assert Review.objects.get().rating == 2.5


@pytest.mark.parametrize("method", ["put", "patch"])
def test_the_author_changes_a_rating_to_half_a_star_and_back(user_client, review, method):
    url = f"{URL}{review.pk}/"

    halved = getattr(user_client, method)(url, {"rating": 0.5}, format="json")
    assert (halved.status_code, halved.json()["rating"]) == (200, 0.5)
    assert movie_numbers(review.movie) == (0.5, 1, {**no_ratings(), "0.5": 1})

    whole = getattr(user_client, method)(url, {"rating": "5"}, format="json")
    assert (whole.status_code, whole.json()["rating"]) == (200, 5)
    review.refresh_from_db()
    assert review.rating == 5.0
    assert movie_numbers(review.movie) == (5.0, 1, {**no_ratings(), "5": 1})


@pytest.mark.parametrize("rating", [0, 0.3, 5.5, 4.25, True, "abc", None])
def test_a_rating_off_the_scale_writes_nothing_and_names_the_rule(user_client, review, rating):
    before = movie_numbers(review.movie)

    created = user_client.post(URL, {"movie": MovieFactory().pk, "rating": rating}, format="json")
    updated = user_client.patch(f"{URL}{review.pk}/", {"rating": rating}, format="json")

    for response in (created, updated):
        body = assert_error(response, 400, fields=("rating",), code="invalid")
        assert body["errors"]["rating"] == [RATING_RULE]
        assert body["detail"] == f"rating: {RATING_RULE}"
    assert list(Review.objects.values_list("pk", "rating")) == [(review.pk, 4.0)]
    assert movie_numbers(review.movie) == before


def test_the_movie_detail_counts_every_half_star_in_order(api_client, movie):
    ratings = [5, 4.5, 4.5, 4, 3.5, 0.5, 0.5, 0.5]
    for rating in ratings:
        ReviewFactory(movie=movie, rating=rating)

    body = api_client.get(f"/api/movies/{movie.pk}/").json()

    assert list(body["rating_distribution"].items()) == [
        ("0.5", 3),
        ("1", 0),
        ("1.5", 0),
        ("2", 0),
        ("2.5", 0),
        ("3", 0),
        ("3.5", 1),
        ("4", 1),
        ("4.5", 2),
        ("5", 1),
    ]
    assert (body["avg_rating"], body["review_count"]) == (sum(ratings) / len(ratings), len(ratings))


@pytest.fixture
def half_star_reviews() -> dict[float, Review]:
    movie = MovieFactory()
    return {rating: ReviewFactory(movie=movie, rating=rating) for rating in (1.5, 3, 3.5, 4, 4.5, 5)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"rating_min": "3.5"}, [3.5, 4, 4.5, 5]),
        ({"rating_min": 4.5}, [4.5, 5]),
        ({"rating_max": "3.5"}, [1.5, 3, 3.5]),
        ({"rating_min": "1.5", "rating_max": "1.5"}, [1.5]),
        ({"rating_min": "3.5", "rating_max": "4.5"}, [3.5, 4, 4.5]),
        ({"rating_min": "0.5", "rating_max": "5"}, [1.5, 3, 3.5, 4, 4.5, 5]),
    ],
)
def test_review_filters_take_half_stars(api_client, half_star_reviews, query, expected):
    found = ids(api_client.get(URL, {**query, "ordering": "rating"}))
    assert found == [half_star_reviews[rating].pk for rating in expected]


@pytest.mark.parametrize("value", ["4.25", "0", "5.5"])
def test_review_filters_name_the_rule_for_values_off_the_scale(api_client, value):
    body = assert_error(api_client.get(URL, {"rating_min": value}), 400, fields=("rating_min",))
    assert body["errors"]["rating_min"] == [RATING_RULE]


def test_movie_filters_on_half_star_averages(api_client):
    low, middle, high = (MovieFactory() for _ in range(3))
    for movie, ratings in ((low, [2, 2.5]), (middle, [3.5, 4]), (high, [4.5, 5])):
        for rating in ratings:
            ReviewFactory(movie=movie, rating=rating, user=UserFactory())

    assert sorted(ids(api_client.get("/api/movies/", {"rating_min": "3.75"}))) == sorted([middle.pk, high.pk])
    assert ids(api_client.get("/api/movies/", {"rating_min": 3.75, "rating_max": 3.75})) == [middle.pk]
    assert ids(api_client.get("/api/movies/", {"rating_max": "2.25"})) == [low.pk]


def test_the_schema_documents_a_rating_as_a_number_in_half_steps(api_client):
    schemas = api_client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    rating = {"type": "number", "minimum": 0.5, "maximum": 5, "multipleOf": 0.5}

    for name in ("ReviewCreateRequest", "ReviewUpdateRequest", "PatchedReviewUpdateRequest"):
        assert schemas[name]["properties"]["rating"] == rating
    assert schemas["Review"]["properties"]["rating"] == {**rating, "readOnly": True}
    distribution = schemas["MovieDetail"]["properties"]["rating_distribution"]
    assert list(distribution["properties"]) == list(no_ratings())
    assert distribution["additionalProperties"] is False
