"""Both notification endpoints for each caller (anonymous, the owner, another user, an admin, a member the owner
blocked): the status, what the caller sees, and what reached the database. Each member reads and marks only their
own notifications, admins included; ids of anyone else's change nothing and are not revealed."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from conftest import authenticated_client
from follows.services import block_create, follow_create
from notifications.models import Notification
from notifications.tests.utils import NOTIFICATIONS_URL, READ_URL, film_list, list_like, snapshot, unread_ids
from reviews.services import review_like
from tests.factories import ReviewFactory, UserFactory

ANONYMOUS, OWNER, OTHER, ADMIN, BLOCKED = "anonymous", "owner", "other user", "admin", "blocked user"
ACTORS = (ANONYMOUS, OWNER, OTHER, ADMIN, BLOCKED)
MEMBERS = ACTORS[1:]


@dataclass
class World:
    users: dict
    # What each member's list shows, newest first.
    visible: dict[str, list[int]]


def newest(user) -> list[int]:
    return list(Notification.objects.filter(recipient=user).values_list("id", flat=True))


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    users = {ANONYMOUS: None, OWNER: UserFactory(), OTHER: UserFactory(), ADMIN: UserFactory(is_staff=True)}
    users[BLOCKED] = UserFactory()
    owner = users[OWNER]
    with django_capture_on_commit_callbacks(execute=True):
        follow_create(follower=users[OTHER], followee=owner)
        review_like(user=users[ADMIN], review=ReviewFactory(user=owner))
        follow_create(follower=owner, followee=users[OTHER])
        follow_create(follower=users[OTHER], followee=users[ADMIN])
        follow_create(follower=users[ADMIN], followee=users[BLOCKED])
        # Both made before the block, which hides them from both sides.
        list_like(users[BLOCKED], film_list(owner))
        follow_create(follower=owner, followee=users[BLOCKED])
    hidden = set(Notification.objects.filter(actor__in=[owner, users[BLOCKED]], recipient__in=[owner, users[BLOCKED]]))
    assert len(hidden) == 2
    block_create(blocker=owner, blocked=users[BLOCKED])
    visible = {name: [pk for pk in newest(users[name]) if pk not in {n.pk for n in hidden}] for name in MEMBERS}
    assert [len(visible[name]) for name in MEMBERS] == [2, 1, 1, 1]
    return World(users=users, visible=visible)


def client_for(user) -> APIClient:
    return APIClient() if user is None else authenticated_client(user)


@pytest.mark.parametrize("actor", ACTORS)
def test_list(world, actor):
    response = client_for(world.users[actor]).get(NOTIFICATIONS_URL)

    if actor == ANONYMOUS:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == world.visible[actor]
    assert body["unread_count"] == len(world.visible[actor])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("payload", ["all", "everyone's ids"])
def test_mark_read(world, actor, payload):
    before = {name: unread_ids(world.users[name]) for name in MEMBERS}
    data = {"all": True} if payload == "all" else {"ids": sorted(Notification.objects.values_list("id", flat=True))}

    response = client_for(world.users[actor]).post(READ_URL, data, format="json")

    if actor == ANONYMOUS:
        assert response.status_code == 401
        assert {name: unread_ids(world.users[name]) for name in MEMBERS} == before
        return
    assert (response.status_code, response.json()) == (200, {"unread_count": 0})
    assert unread_ids(world.users[actor]) == []
    assert {name: unread_ids(world.users[name]) for name in MEMBERS if name != actor} == {
        name: ids for name, ids in before.items() if name != actor
    }


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(world, method):
    before = snapshot()
    client = client_for(world.users[OWNER])

    assert getattr(client, method)(NOTIFICATIONS_URL).status_code == 405
    assert getattr(client, method)(READ_URL, {"all": True}, format="json").status_code == 405
    assert snapshot() == before
