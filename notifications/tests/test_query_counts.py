"""The notifications page takes the same number of queries at 3 and at 15 rows, whatever each is about (no N+1)."""

import pytest

from conftest import authenticated_client
from notifications.models import Notification
from notifications.tests.utils import NOTIFICATIONS_URL, READ_URL, comment, film_list
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 15]
Kind = Notification.Kind


def busy_member(size: int):
    """A member with ``size`` notifications of every kind in turn, each from its own actor about its own things."""
    member = UserFactory()
    kinds = list(Kind)
    for index in range(size):
        kind, actor = kinds[index % len(kinds)], UserFactory()
        review = ReviewFactory(user=member if kind != Kind.REPLY else actor)
        target = film_list(member)
        about: dict = {
            Kind.FOLLOW: {},
            Kind.REVIEW_LIKE: {"review": review},
            Kind.LIST_LIKE: {"film_list": target},
            Kind.REVIEW_COMMENT: {"review": review, "comment": comment(actor, review)},
            Kind.LIST_COMMENT: {"film_list": target, "comment": comment(actor, target)},
            Kind.REPLY: {"review": review, "comment": comment(actor, review)},
        }[kind]
        Notification.objects.create(recipient=member, actor=actor, kind=kind, **about)
    return member


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("query", [{}, {"unread": "true"}], ids=["all", "unread"])
def test_the_page(django_assert_num_queries, size, query):
    member = busy_member(size)
    client = authenticated_client(member)

    with django_assert_num_queries(4):  # The user, COUNT, the page with what each is about, the unread count.
        response = client.get(NOTIFICATIONS_URL, {"page_size": size, **query})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == size == response.json()["unread_count"]
    assert all(
        row["review"]["movie_title"] for row in rows if row["kind"] not in {"follow", "list_like", "list_comment"}
    )
    assert all(row["comment"]["excerpt"] for row in rows if "comment" in row["kind"] or row["kind"] == "reply")


@pytest.mark.parametrize("size", SIZES)
def test_marking_read(django_assert_num_queries, size):
    member = busy_member(size)
    ids = list(Notification.objects.values_list("id", flat=True))
    client = authenticated_client(member)

    with django_assert_num_queries(5):  # The user, SAVEPOINT, UPDATE, the unread count, RELEASE.
        response = client.post(READ_URL, {"ids": ids}, format="json")

    assert response.json() == {"unread_count": 0}
