"""The feed for each of four callers (anonymous, the owner, another user, an admin) plus a blocked member: the
status, whose activity each one sees (only the members they follow; admins get nothing more), and that reading
writes nothing."""

import pytest
from rest_framework.test import APIClient

from conftest import authenticated_client
from feed.models import Event
from feed.tests.utils import FEED_URL, follow, items, like_by, one_of_each, review_by
from follows.models import Follow
from follows.services import block_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, OWNER, OTHER, ADMIN, BLOCKED = "anonymous", "owner", "other user", "admin", "blocked"


@pytest.fixture
def world():
    users = {
        OWNER: UserFactory(),
        OTHER: UserFactory(),
        ADMIN: UserFactory(is_staff=True, is_superuser=True),
        BLOCKED: UserFactory(),
    }
    # Each reader follows a member of their own; everyone active does one thing of each kind.
    followed = {role: UserFactory() for role in (OWNER, OTHER, ADMIN, BLOCKED)}
    for role, member in followed.items():
        follow(users[role], member)
        one_of_each(member)
    for user in users.values():
        review_by(user)
    # The other user and the admin follow the owner too; the owner blocked the blocked member.
    follow(users[OTHER], users[OWNER])
    follow(users[ADMIN], users[OWNER])
    block_create(blocker=users[OWNER], blocked=users[BLOCKED])
    return users, followed


def snapshot() -> tuple[int, int]:
    return Event.objects.count(), Follow.objects.count()


def test_anonymous_is_401(world):
    before = snapshot()

    response = APIClient().get(FEED_URL)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert snapshot() == before


@pytest.mark.parametrize("role", [OWNER, OTHER, ADMIN, BLOCKED])
def test_each_reader_sees_only_the_members_they_follow(world, role):
    users, followed = world
    before = snapshot()

    rows = items(authenticated_client(users[role]).get(FEED_URL))

    expected = {followed[role].username}
    if role in (OTHER, ADMIN):
        expected.add(users[OWNER].username)
    assert {row["actor"] for row in rows} == expected
    assert users[role].username not in {row["actor"] for row in rows}  # never one's own activity
    assert snapshot() == before


def test_the_blocked_member_and_the_blocker_drop_out_of_each_others_feeds(world):
    users, _ = world
    for reader in (OWNER, BLOCKED):
        follow(users[reader], users[OTHER])  # an acquaintance both follow
    kept = like_by(users[OTHER])
    like_by(users[OTHER], review_by(users[BLOCKED]))
    like_by(users[OTHER], review_by(users[OWNER]))

    owner_rows = items(authenticated_client(users[OWNER]).get(FEED_URL))
    blocked_rows = items(authenticated_client(users[BLOCKED]).get(FEED_URL))

    assert users[BLOCKED].username not in str(owner_rows)
    assert users[OWNER].username not in str(blocked_rows)
    for rows in (owner_rows, blocked_rows):
        assert kept.pk in [row["review_like"]["review_id"] for row in rows if row["review_like"]]
