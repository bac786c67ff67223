"""Through the API, with several users: the movie's avg_rating and review_count stay exact."""

import pytest

from conftest import authenticated_client
from reviews.models import Review
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def movie_numbers(api_client, movie) -> tuple[float, int]:
    body = api_client.get(f"/api/movies/{movie.pk}/").json()
    movie.refresh_from_db()
    # The API and the database agree.
    assert (body["avg_rating"], body["review_count"]) == (movie.avg_rating, movie.review_count)
    return movie.avg_rating, movie.review_count


def test_average_and_count_follow_creates_updates_and_deletes(api_client, movie, admin_client):
    clients = [authenticated_client(UserFactory()) for _ in range(4)]
    review_ids = []
    for client, rating in zip(clients, [5, 4, 2, 1], strict=True):
        response = client.post("/api/reviews/", {"movie": movie.pk, "rating": rating}, format="json")
        assert response.status_code == 201
        review_ids.append(response.json()["id"])
    assert movie_numbers(api_client, movie) == (3.0, 4)

    # 5, 4, 2, 1 -> 5, 4, 5, 1
    assert clients[2].patch(f"/api/reviews/{review_ids[2]}/", {"rating": 5}, format="json").status_code == 200
    assert movie_numbers(api_client, movie) == (3.75, 4)

    # PUT 1 -> 3: 5, 4, 5, 3
    assert clients[3].put(f"/api/reviews/{review_ids[3]}/", {"rating": 3}, format="json").status_code == 200
    assert movie_numbers(api_client, movie) == (4.25, 4)

    # A body-only edit leaves the numbers alone.
    assert clients[0].patch(f"/api/reviews/{review_ids[0]}/", {"body": "Still 5."}, format="json").status_code == 200
    assert movie_numbers(api_client, movie) == (4.25, 4)

    # The author deletes the 4: 5, 5, 3
    assert clients[1].delete(f"/api/reviews/{review_ids[1]}/").status_code == 204
    assert movie_numbers(api_client, movie) == (pytest.approx(13 / 3), 3)

    # An admin deletes the 3: 5, 5
    assert admin_client.delete(f"/api/reviews/{review_ids[3]}/").status_code == 204
    assert movie_numbers(api_client, movie) == (5.0, 2)

    for client, review_id in [(clients[0], review_ids[0]), (clients[2], review_ids[2])]:
        assert client.delete(f"/api/reviews/{review_id}/").status_code == 204
    assert movie_numbers(api_client, movie) == (0, 0)
    assert not Review.objects.exists()


def test_rejected_writes_do_not_change_the_numbers(api_client, movie, user_client, other_client):
    assert user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 4}, format="json").status_code == 201
    review_id = Review.objects.get().pk

    assert user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 1}, format="json").status_code == 400
    assert other_client.patch(f"/api/reviews/{review_id}/", {"rating": 1}, format="json").status_code == 403
    assert other_client.delete(f"/api/reviews/{review_id}/").status_code == 403
    assert user_client.patch(f"/api/reviews/{review_id}/", {"rating": 7}, format="json").status_code == 400

    assert movie_numbers(api_client, movie) == (4.0, 1)


def test_reviews_of_other_movies_do_not_leak_into_the_numbers(api_client, movie, user_client):
    other_movie = MovieFactory()
    user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 2}, format="json")
    user_client.post("/api/reviews/", {"movie": other_movie.pk, "rating": 5}, format="json")

    assert movie_numbers(api_client, movie) == (2.0, 1)
    assert movie_numbers(api_client, other_movie) == (5.0, 1)
