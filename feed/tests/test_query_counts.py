"""The feed's query count is pinned, for the first page and a later one, at two sizes: after the statement that
reads the caller's account, one picks the page and one loads its events with their actors and objects, whatever
their kinds (no N+1)."""

import pytest

from conftest import authenticated_client
from feed.tests.utils import FEED_URL, follow, items, one_of_each
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 15]


def viewer_of(size: int):
    """A viewer following ``size`` members who did one thing of each kind: 4 x ``size`` events."""
    viewer = UserFactory()
    members = UserFactory.create_batch(size)
    follow(viewer, *members)
    for member in members:
        one_of_each(member)
    return viewer


@pytest.mark.parametrize("size", SIZES)
def test_first_page(django_assert_num_queries, size):
    client = authenticated_client(viewer_of(size))

    with django_assert_num_queries(3):  # The user, the page, its events with their objects.
        response = client.get(FEED_URL, {"page_size": 2 * size})

    rows = items(response)
    assert len(rows) == 2 * size and {row["kind"] for row in rows} == {"review", "diary_entry", "list", "review_like"}


@pytest.mark.parametrize("size", SIZES)
def test_later_page(django_assert_num_queries, size):
    client = authenticated_client(viewer_of(size))
    next_url = client.get(FEED_URL, {"page_size": 2 * size}).json()["next"]

    with django_assert_num_queries(3):
        response = client.get(next_url)

    assert len(items(response)) == 2 * size and response.json()["next"] is None


@pytest.mark.parametrize("size", SIZES)
def test_filtered_page(django_assert_num_queries, size):
    client = authenticated_client(viewer_of(size))

    with django_assert_num_queries(3):  # The user, the page, its events with the likes and their reviews.
        response = client.get(FEED_URL, {"kind": "review_like", "page_size": 100})

    assert len(items(response)) == size
