"""Real concurrent requests against PostgreSQL (each thread its own connection and transaction): likes of films and
diary logs with ratings leave exact counts, one review per member and film, and exact averages."""

from collections import Counter

import pytest
from django.db import connection

from activity.models import DiaryEntry, MovieLike
from conftest import authenticated_client
from movies.ratings import no_ratings, rating_key
from reviews.models import Review
from reviews.tests.test_concurrency import run_at_once
from tests.factories import MovieFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def put(client, url: str):
    return lambda: client.put(url).status_code


def log(client, movie_id: int, rating: int, watched_on: str = "2024-01-01"):
    def job():
        response = client.post(
            "/api/diary/", {"movie": movie_id, "rating": rating, "watched_on": watched_on}, format="json"
        )
        return response.status_code, response.json()

    return job


def test_twenty_parallel_likes_of_one_movie_count_twenty():
    movie = MovieFactory()
    clients = [authenticated_client(UserFactory()) for _ in range(20)]

    statuses = run_at_once([put(client, f"/api/movies/{movie.pk}/like/") for client in clients])

    assert statuses == [201] * 20
    movie.refresh_from_db()
    assert movie.like_count == 20
    assert MovieLike.objects.filter(movie=movie).count() == 20


def test_the_same_member_liking_a_movie_ten_times_at_once_counts_once():
    movie = MovieFactory()
    user = UserFactory()
    clients = [authenticated_client(user) for _ in range(10)]

    statuses = run_at_once([put(client, f"/api/movies/{movie.pk}/like/") for client in clients])

    assert Counter(statuses) == {201: 1, 200: 9}
    movie.refresh_from_db()
    assert movie.like_count == 1
    assert MovieLike.objects.filter(movie=movie).count() == 1


def test_parallel_likes_and_unlikes_of_one_movie_leave_the_exact_count():
    movie = MovieFactory()
    clients = [authenticated_client(UserFactory()) for _ in range(16)]
    for client in clients[:8]:
        assert client.put(f"/api/movies/{movie.pk}/like/").status_code == 201
    jobs = [lambda client=client: client.delete(f"/api/movies/{movie.pk}/like/").status_code for client in clients[:8]]
    jobs += [put(client, f"/api/movies/{movie.pk}/like/") for client in clients[8:]]

    statuses = run_at_once(jobs)

    assert statuses == [204] * 8 + [201] * 8
    movie.refresh_from_db()
    assert movie.like_count == 8 == MovieLike.objects.filter(movie=movie).count()


def test_twenty_parallel_logs_by_one_member_with_ratings_leave_one_review():
    movie = MovieFactory()
    user = UserFactory()
    ratings = [(index % 10 + 1) / 2 for index in range(20)]  # 0.5 to 5, half stars included
    clients = [authenticated_client(user) for _ in ratings]

    results = run_at_once([log(client, movie.pk, rating) for client, rating in zip(clients, ratings, strict=True)])

    assert [status for status, _ in results] == [201] * 20, results
    assert DiaryEntry.objects.filter(user=user, movie=movie).count() == 20
    review = Review.objects.get(user=user, movie=movie)  # Exactly one.
    assert {body["review"] for _, body in results} == {review.pk}
    assert DiaryEntry.objects.filter(review=review).count() == 20
    movie.refresh_from_db()
    assert movie.review_count == 1
    # The last write to commit set both the review and the movie's average.
    assert movie.avg_rating == review.rating
    assert review.rating in ratings
    assert movie.rating_distribution == {**no_ratings(), rating_key(review.rating): 1}


def test_twenty_members_logging_one_movie_with_ratings_at_once_give_the_exact_average():
    movie = MovieFactory()
    ratings = [(index % 10 + 1) / 2 for index in range(20)]  # 0.5 to 5, half stars included
    ratings[0] = 5  # 59.5 / 20 = 2.975
    users = [UserFactory() for _ in ratings]

    results = run_at_once(
        [log(authenticated_client(user), movie.pk, rating) for user, rating in zip(users, ratings, strict=True)]
    )

    assert [status for status, _ in results] == [201] * 20, results
    movie.refresh_from_db()
    assert movie.review_count == 20
    assert movie.avg_rating == pytest.approx(sum(ratings) / 20)
    assert sorted(Review.objects.filter(movie=movie).values_list("rating", flat=True)) == sorted(ratings)
    assert movie.rating_distribution == {**no_ratings(), **Counter(rating_key(rating) for rating in ratings)}
    for user, rating in zip(users, ratings, strict=True):
        entry = DiaryEntry.objects.get(user=user, movie=movie)
        assert (entry.rating, entry.review.user_id, entry.review.rating) == (rating, user.pk, rating)


def test_parallel_logs_and_reviews_by_one_member_never_make_two_reviews():
    """The review API and the diary race for the same (member, film) review: one review, and a 400 for posts that
    found it already there."""
    movie = MovieFactory()
    user = UserFactory()
    clients = [authenticated_client(user) for _ in range(10)]

    def post_review(client):
        return lambda: client.post("/api/reviews/", {"movie": movie.pk, "rating": 2}, format="json").status_code

    jobs = [log(client, movie.pk, 4) for client in clients[:5]] + [post_review(client) for client in clients[5:]]
    results = run_at_once(jobs)

    assert [status for status, _ in results[:5]] == [201] * 5, results
    assert set(results[5:]) <= {201, 400}
    assert Review.objects.filter(user=user, movie=movie).count() == 1
    movie.refresh_from_db()
    review = Review.objects.get(user=user, movie=movie)
    assert (movie.review_count, movie.avg_rating) == (1, review.rating)
