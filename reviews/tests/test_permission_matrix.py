"""Every write endpoint on movies and reviews, for every caller (anonymous, owner, other user, admin):
the status code and the effect on the database."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import authenticated_client
from movies.models import Movie
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

ANONYMOUS, OWNER, OTHER, ADMIN = "anonymous", "owner", "other user", "admin"


@dataclass
class World:
    users: dict[str, Any]
    movie: Movie
    unreviewed_movie: Movie
    review: Review


@pytest.fixture
def world(db) -> World:
    owner, other, admin = UserFactory(), UserFactory(), UserFactory(is_staff=True, is_superuser=True)
    movie = MovieFactory(title="Original")
    return World(
        users={ANONYMOUS: None, OWNER: owner, OTHER: other, ADMIN: admin},
        movie=movie,
        unreviewed_movie=MovieFactory(),
        review=ReviewFactory(user=owner, movie=movie, rating=3),
    )


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: Callable[[World], str]
    payload: Callable[[World], dict | None]
    happened: Callable[[World, Any], bool]  # Did the write reach the database?
    expected: dict[str, int]


def _movie_url(w: World) -> str:
    return f"/api/movies/{w.movie.pk}/"


def _review_url(w: World) -> str:
    return f"/api/reviews/{w.review.pk}/"


ENDPOINTS = {
    "POST movie": Endpoint(
        "post",
        lambda w: "/api/movies/",
        lambda w: {"title": "Brand new"},
        lambda w, actor: Movie.objects.filter(title="Brand new").exists(),
        {ANONYMOUS: 401, OWNER: 403, OTHER: 403, ADMIN: 201},
    ),
    "PUT movie": Endpoint(
        "put",
        _movie_url,
        lambda w: {"title": "Renamed"},
        lambda w, actor: Movie.objects.get(pk=w.movie.pk).title == "Renamed",
        {ANONYMOUS: 401, OWNER: 403, OTHER: 403, ADMIN: 200},
    ),
    "PATCH movie": Endpoint(
        "patch",
        _movie_url,
        lambda w: {"runtime": 321},
        lambda w, actor: Movie.objects.get(pk=w.movie.pk).runtime == 321,
        {ANONYMOUS: 401, OWNER: 403, OTHER: 403, ADMIN: 200},
    ),
    "DELETE movie": Endpoint(
        "delete",
        _movie_url,
        lambda w: None,
        lambda w, actor: not Movie.objects.filter(pk=w.movie.pk).exists(),
        {ANONYMOUS: 401, OWNER: 403, OTHER: 403, ADMIN: 204},
    ),
    "POST review": Endpoint(
        "post",
        lambda w: "/api/reviews/",
        lambda w: {"movie": w.unreviewed_movie.pk, "rating": 2},
        lambda w, actor: Review.objects.filter(movie=w.unreviewed_movie, user=actor).exists(),
        {ANONYMOUS: 401, OWNER: 201, OTHER: 201, ADMIN: 201},
    ),
    "PUT review": Endpoint(
        "put",
        _review_url,
        lambda w: {"rating": 1, "body": "Replaced."},
        lambda w, actor: Review.objects.get(pk=w.review.pk).rating == 1,
        {ANONYMOUS: 401, OWNER: 200, OTHER: 403, ADMIN: 403},
    ),
    "PATCH review": Endpoint(
        "patch",
        _review_url,
        lambda w: {"rating": 5},
        lambda w, actor: Review.objects.get(pk=w.review.pk).rating == 5,
        {ANONYMOUS: 401, OWNER: 200, OTHER: 403, ADMIN: 403},
    ),
    "DELETE review": Endpoint(
        "delete",
        _review_url,
        lambda w: None,
        lambda w, actor: not Review.objects.filter(pk=w.review.pk).exists(),
        {ANONYMOUS: 401, OWNER: 204, OTHER: 403, ADMIN: 204},
    ),
}

CASES = [
    pytest.param(name, actor, status, id=f"{name} as {actor} -> {status}")
    for name, endpoint in ENDPOINTS.items()
    for actor, status in endpoint.expected.items()
]


@pytest.mark.parametrize(("endpoint_name", "actor", "expected_status"), CASES)
def test_write_permissions(world, endpoint_name, actor, expected_status):
    endpoint = ENDPOINTS[endpoint_name]
    user = world.users[actor]
    client = APIClient() if user is None else authenticated_client(user)
    payload = endpoint.payload(world)
    before = (Movie.objects.count(), Review.objects.count())

    response = getattr(client, endpoint.method)(endpoint.url(world), payload, format="json")

    assert response.status_code == expected_status, response.content
    succeeded = 200 <= expected_status < 300
    assert endpoint.happened(world, user) is succeeded
    if not succeeded:
        body = response.json()
        assert body["status"] == expected_status
        assert body["code"] == {401: "not_authenticated", 403: "permission_denied"}[expected_status]
        assert (Movie.objects.count(), Review.objects.count()) == before
    # Whatever happened, the surviving movie's aggregates match its reviews.
    for movie in Movie.objects.all():
        ratings = list(Review.objects.filter(movie=movie).values_list("rating", flat=True))
        assert movie.review_count == len(ratings)
        assert movie.avg_rating == pytest.approx(sum(ratings) / len(ratings) if ratings else 0)


def test_matrix_covers_every_write_method_on_both_resources():
    covered = {(endpoint.method, "movie" in name.lower()) for name, endpoint in ENDPOINTS.items()}
    assert covered == {
        (method, is_movie) for method in ("post", "put", "patch", "delete") for is_movie in (True, False)
    }
    assert all(set(endpoint.expected) == {ANONYMOUS, OWNER, OTHER, ADMIN} for endpoint in ENDPOINTS.values())
