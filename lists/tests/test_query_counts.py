"""Query counts of the lists reads are pinned, at two page sizes: they do not grow with the rows (no N+1)."""

import pytest
from rest_framework.test import APIClient

from conftest import authenticated_client
from lists.tests.utils import LISTS_URL, add_like, items_url, make_list, movie_lists_url
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 15]


def busy_owner(size: int, film) -> tuple:
    """A member with ``size`` lists, each holding ``film`` and liked by someone."""
    owner, fan = UserFactory(), UserFactory()
    for index in range(size):
        add_like(fan, make_list(owner, [film], name=f"List {index}"))
    return owner, fan


def assert_page(response, size: int) -> list[dict]:
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert len(rows) == size
    return rows


@pytest.mark.parametrize("size", SIZES)
def test_own_lists(django_assert_num_queries, size):
    owner, _ = busy_owner(size, MovieFactory())
    client = authenticated_client(owner)

    with django_assert_num_queries(3):  # The user, COUNT, the page with owners and liked flags.
        response = client.get(LISTS_URL, {"page_size": size})

    assert all(row["owner"] == owner.username for row in assert_page(response, size))


@pytest.mark.parametrize("size", SIZES)
def test_a_members_lists_searched_and_ordered(django_assert_num_queries, size):
    owner, fan = busy_owner(size, MovieFactory())
    client = authenticated_client(fan)

    with django_assert_num_queries(3):
        response = client.get(
            LISTS_URL, {"page_size": size, "user": owner.username, "search": "list", "ordering": "-likes"}
        )

    assert all(row["liked"] for row in assert_page(response, size))


@pytest.mark.parametrize("size", SIZES)
def test_a_members_lists_read_anonymously(django_assert_num_queries, size):
    owner, _ = busy_owner(size, MovieFactory())

    with django_assert_num_queries(2):  # COUNT, the page.
        response = APIClient().get(LISTS_URL, {"page_size": size, "user": owner.username})

    assert_page(response, size)


@pytest.mark.parametrize("size", SIZES)
def test_items(django_assert_num_queries, size):
    owner = UserFactory()
    film_list = make_list(owner, MovieFactory.create_batch(size, genres=["Drama", "Crime"]))
    client = authenticated_client(UserFactory())

    with django_assert_num_queries(5):  # The user, the list, COUNT, the page with its films, the films' genres.
        response = client.get(items_url(film_list.pk), {"page_size": size})

    assert all(len(row["movie"]["genres"]) == 2 for row in assert_page(response, size))


@pytest.mark.parametrize("size", SIZES)
def test_a_films_lists(django_assert_num_queries, size):
    film = MovieFactory()
    busy_owner(size, film)
    client = authenticated_client(UserFactory())

    with django_assert_num_queries(4):  # The user, the film, COUNT, the page.
        response = client.get(movie_lists_url(film.pk), {"page_size": size})

    assert all(row["like_count"] == 1 for row in assert_page(response, size))
