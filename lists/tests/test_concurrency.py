"""Real concurrent requests against PostgreSQL (each thread its own connection and transaction): parallel moves,
inserts and deletes on one list leave positions exactly 1..n and item_count exact; parallel likes count exactly."""

import pytest
from django.db import connection

from conftest import authenticated_client
from lists.models import FilmList, ListItem, ListLike
from lists.tests.utils import assert_consistent, item_url, items_url, like_url, make_list
from reviews.tests.test_concurrency import run_at_once
from tests.factories import MovieFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def request(client, method: str, url: str, payload: dict | None = None):
    return lambda: getattr(client, method)(url, payload, format="json").status_code


def test_parallel_moves_inserts_and_deletes_leave_positions_one_to_n():
    owner = UserFactory()
    film_list = make_list(owner, MovieFactory.create_batch(10))
    items = list(ListItem.objects.filter(film_list=film_list).order_by("position"))
    spare = MovieFactory.create_batch(3)
    clients = [authenticated_client(owner) for _ in range(10)]  # One client per thread.
    # Never fewer than seven films at any moment, so every target place below stays valid whatever the order.
    jobs = [
        request(clients[index], "patch", item_url(film_list.pk, items[index].pk), {"position": target})
        for index, target in zip(range(4), (7, 1, 5, 3), strict=True)
    ]
    jobs += [
        request(clients[4 + index], "post", items_url(film_list.pk), {"movie": movie.pk, "position": target})
        for index, (movie, target) in enumerate(zip(spare, (1, 4, 8), strict=True))
    ]
    jobs += [request(clients[7 + index], "delete", item_url(film_list.pk, items[7 + index].pk)) for index in range(3)]

    statuses = run_at_once(jobs)

    assert statuses == [200] * 4 + [201] * 3 + [204] * 3
    assert_consistent(film_list)
    assert FilmList.objects.get(pk=film_list.pk).item_count == 10
    left = set(ListItem.objects.filter(film_list=film_list).values_list("movie_id", flat=True))
    assert left == {item.movie_id for item in items[:7]} | {movie.pk for movie in spare}
    assert clients[0].get(items_url(film_list.pk)).json()["count"] == 10


def test_ten_parallel_inserts_at_the_top_all_land_without_gaps():
    owner = UserFactory()
    film_list = make_list(owner, MovieFactory.create_batch(2))
    movies = MovieFactory.create_batch(10)
    jobs = [
        request(authenticated_client(owner), "post", items_url(film_list.pk), {"movie": movie.pk, "position": 1})
        for movie in movies
    ]

    assert run_at_once(jobs) == [201] * 10
    assert_consistent(film_list)
    assert FilmList.objects.get(pk=film_list.pk).item_count == 12


def test_the_same_film_added_ten_times_at_once_is_in_the_list_once():
    owner = UserFactory()
    film_list = make_list(owner)
    movie = MovieFactory()
    jobs = [
        request(authenticated_client(owner), "post", items_url(film_list.pk), {"movie": movie.pk}) for _ in range(10)
    ]

    statuses = run_at_once(jobs)

    assert sorted(statuses) == [201] + [400] * 9
    assert ListItem.objects.filter(film_list=film_list).count() == 1
    assert_consistent(film_list)


def test_parallel_likes_and_unlikes_leave_the_exact_count():
    film_list = make_list(UserFactory())
    likers = [authenticated_client(UserFactory()) for _ in range(20)]
    for client in likers[:5]:
        assert client.put(like_url(film_list.pk)).status_code == 201
    # The first five take theirs back while fifteen others like, one of them twice at once.
    jobs = [request(client, "delete", like_url(film_list.pk)) for client in likers[:5]]
    jobs += [request(client, "put", like_url(film_list.pk)) for client in likers[5:]]
    jobs.append(request(likers[-1], "put", like_url(film_list.pk)))

    statuses = run_at_once(jobs)

    assert statuses[:5] == [204] * 5
    assert sorted(statuses[5:]) == [200] + [201] * 15
    assert FilmList.objects.get(pk=film_list.pk).like_count == 15 == ListLike.objects.count()
