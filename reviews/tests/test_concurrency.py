"""Real concurrent requests against PostgreSQL: each thread has its own connection and transaction."""

import threading
from collections import Counter

import pytest
from django.db import connection

from conftest import authenticated_client
from movies.models import Movie
from reviews.models import Review
from reviews.services import DUPLICATE_REVIEW_MESSAGE
from tests.factories import MovieFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

BARRIER_TIMEOUT = 30


def run_at_once(jobs) -> list:
    """Run each job in its own thread, released together by a barrier; return results in job order."""
    barrier = threading.Barrier(len(jobs), timeout=BARRIER_TIMEOUT)
    results: list = [None] * len(jobs)
    errors: list = []

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except BaseException as error:  # Re-raised in the main thread below.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    if errors:
        raise errors[0]
    return results


def post_review(client, movie_id: int, rating: int):
    def job():
        response = client.post("/api/reviews/", {"movie": movie_id, "rating": rating}, format="json")
        return response.status_code, response.json()

    return job


def test_twenty_users_reviewing_one_movie_at_once_give_the_exact_average_and_count():
    movie = MovieFactory()
    ratings = [(index % 5) + 1 for index in range(20)]  # Four of each star: average exactly 3.
    ratings[0] = 5  # 61 / 20 = 3.05
    clients = [authenticated_client(UserFactory()) for _ in ratings]

    results = run_at_once(
        [post_review(client, movie.pk, rating) for client, rating in zip(clients, ratings, strict=True)]
    )

    assert [status for status, _ in results] == [201] * 20, results
    movie.refresh_from_db()
    assert movie.review_count == 20
    assert movie.avg_rating == pytest.approx(sum(ratings) / 20)
    assert Review.objects.filter(movie=movie).count() == 20


def test_ten_simultaneous_posts_by_one_user_create_exactly_one_review():
    movie = MovieFactory()
    user = UserFactory()
    clients = [authenticated_client(user) for _ in range(10)]

    results = run_at_once([post_review(client, movie.pk, 4) for client in clients])

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 400: 9}, results
    for status, body in results:
        if status == 400:
            assert body["errors"] == {"movie": [DUPLICATE_REVIEW_MESSAGE]}
    assert Review.objects.filter(user=user, movie=movie).count() == 1
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (4, 1)


def test_concurrent_updates_and_deletes_leave_exact_numbers():
    movie = MovieFactory()
    users = [UserFactory() for _ in range(12)]
    reviews = [Review.objects.create(user=user, movie=movie, rating=3) for user in users]
    Movie.objects.filter(pk=movie.pk).update(avg_rating=3, review_count=12)
    clients = [authenticated_client(user) for user in users]

    def patch(client, review, rating):
        return lambda: client.patch(f"/api/reviews/{review.pk}/", {"rating": rating}, format="json").status_code

    def delete(client, review):
        return lambda: client.delete(f"/api/reviews/{review.pk}/").status_code

    jobs = [patch(clients[i], reviews[i], 5) for i in range(6)] + [delete(clients[i], reviews[i]) for i in range(6, 12)]
    statuses = run_at_once(jobs)

    assert statuses == [200] * 6 + [204] * 6
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (5, 6)


def test_two_writers_that_both_inserted_before_locking_do_not_deadlock(monkeypatch):
    """Force the worst interleaving of review_create: both reviews are inserted before either transaction
    refreshes the movie. Each UPDATE's subquery only sees reviews committed before its statement began, so
    without the row lock taken first the second writer would overwrite the count with 1 (a lost update)."""
    from reviews import services

    movie = MovieFactory()
    users = [UserFactory(), UserFactory()]
    both_inserted = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    original = services.movie_reviews_changed

    def changed_after_both_inserted(movie_ids, **kwargs):
        both_inserted.wait()
        original(movie_ids, **kwargs)

    monkeypatch.setattr(services, "movie_reviews_changed", changed_after_both_inserted)

    results = run_at_once(
        [
            lambda user=user, rating=rating: services.review_create(user=user, movie=movie, rating=rating).pk
            for user, rating in zip(users, [2, 5], strict=True)
        ]
    )

    assert all(results)
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (3.5, 2)
