"""Query counts of the comment reads are pinned at two sizes: they do not grow with the rows (no N+1)."""

import pytest
from rest_framework.test import APIClient

from comments import services
from conftest import authenticated_client
from follows.services import block_create
from lists.models import FilmList
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 15]


def busy_thread(size: int, **on):
    """``size`` comments, each by a different member, plus one by a member the reader blocked."""
    reader = UserFactory()
    for _ in range(size):
        services.comment_create(author=UserFactory(), body="Nice.", **on)
    blocked = UserFactory()
    services.comment_create(author=blocked, body="Not shown.", **on)
    block_create(blocker=reader, blocked=blocked)
    return reader


def on_review():
    return {"review": ReviewFactory()}


def on_list():
    return {"film_list": FilmList.objects.create(owner=UserFactory(), name="Picks")}


def url_of(on: dict) -> str:
    if "review" in on:
        return f"/api/reviews/{on['review'].pk}/comments/"
    return f"/api/lists/{on['film_list'].pk}/comments/"


@pytest.mark.parametrize("make", [on_review, on_list])
@pytest.mark.parametrize("size", SIZES)
def test_anonymous_comment_list(django_assert_num_queries, make, size):
    on = make()
    busy_thread(size, **on)

    with django_assert_num_queries(3):  # The review or list, COUNT, the page with its authors.
        response = APIClient().get(url_of(on), {"page_size": 100})

    rows = response.json()["results"]
    assert len(rows) == size + 1
    assert len({row["author"] for row in rows}) == size + 1


@pytest.mark.parametrize("make", [on_review, on_list])
@pytest.mark.parametrize("size", SIZES)
def test_comment_list_read_by_a_member_with_blocks(django_assert_num_queries, make, size):
    on = make()
    client = authenticated_client(busy_thread(size, **on))

    with django_assert_num_queries(4):  # The user, the review or list, COUNT, the page (blocks as subqueries).
        response = client.get(url_of(on), {"page_size": 100})

    rows = response.json()["results"]
    assert len(rows) == size
    assert "Not shown." not in {row["body"] for row in rows}


@pytest.mark.parametrize("size", SIZES)
def test_comment_detail(django_assert_num_queries, size):
    on = on_review()
    client = authenticated_client(busy_thread(size, **on))
    comment = on["review"].comments.first()

    with django_assert_num_queries(2):  # The user, the comment with its author and what it is on.
        response = client.get(f"/api/comments/{comment.pk}/")

    assert response.status_code == 200
