"""Real concurrent requests against PostgreSQL: marking notifications read while new ones arrive leaves an unread
count that agrees with the rows, and marks exactly what was asked."""

import pytest
from django.db import connection

from conftest import authenticated_client
from notifications.models import Notification
from notifications.tests.utils import NOTIFICATIONS_URL, READ_URL, unread_ids
from reviews.tests.test_concurrency import run_at_once
from tests.factories import ReviewFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency"),
]


def like(client, review_id: int):
    return lambda: client.put(f"/api/reviews/{review_id}/like/").status_code


def mark(client, payload: dict):
    def job():
        response = client.post(READ_URL, payload, format="json")
        assert response.status_code == 200, response.content
        return response.json()["unread_count"]

    return job


def member_with_unread(count: int):
    """A member with ``count`` unread follow notifications, and ``count`` reviews nobody has liked yet."""
    member = UserFactory()
    for _ in range(count):
        Notification.objects.create(recipient=member, actor=UserFactory(), kind=Notification.Kind.FOLLOW)
    return member, ReviewFactory.create_batch(count, user=member)


def assert_consistent(member, expected_unread: int) -> None:
    body = authenticated_client(member).get(NOTIFICATIONS_URL, {"unread": "true", "page_size": 100}).json()
    assert body["unread_count"] == body["count"] == len(unread_ids(member)) == expected_unread


def test_marking_by_ids_while_new_notifications_arrive():
    member, reviews = member_with_unread(10)
    old = unread_ids(member)
    owner_client = authenticated_client(member)
    # Overlapping halves of the old ones, marked at once by the member's four requests, while ten likes arrive.
    jobs = [mark(owner_client, {"ids": part}) for part in (old[:6], old[4:], old[::2], old[1::2])]
    jobs += [like(authenticated_client(UserFactory()), review.pk) for review in reviews]

    results = run_at_once(jobs)

    assert all(0 <= count <= 16 for count in results[:4])
    assert results[4:] == [201] * 10
    new = Notification.objects.filter(recipient=member, kind="review_like")
    assert new.count() == 10
    assert unread_ids(member) == sorted(new.values_list("id", flat=True))
    assert_consistent(member, 10)


def test_marking_all_while_new_notifications_arrive():
    member, reviews = member_with_unread(10)
    old = unread_ids(member)
    owner_client = authenticated_client(member)
    jobs = [mark(owner_client, {"all": True}) for _ in range(3)]
    jobs += [like(authenticated_client(UserFactory()), review.pk) for review in reviews]

    results = run_at_once(jobs)

    assert results[3:] == [201] * 10
    assert Notification.objects.filter(recipient=member, kind="review_like").count() == 10
    assert not set(old) & set(unread_ids(member))
    # Each new one is either read (it arrived before a mark) or unread, and the count says how many are unread.
    assert_consistent(member, len(unread_ids(member)))
    assert all(0 <= count <= 10 for count in results[:3])
