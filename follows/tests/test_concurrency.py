"""Parallel follows and blocks on PostgreSQL: counts stay exact and no follow outlives a block."""

import pytest
from django.db import connection

from conftest import authenticated_client
from follows.models import Block, Follow
from reviews.tests.test_concurrency import run_at_once
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_twenty_parallel_follows_count_twenty():
    star = UserFactory(username="star")
    clients = [authenticated_client(UserFactory()) for _ in range(20)]
    clients.append(clients[0])  # One member follows twice at once.

    statuses = run_at_once(
        [lambda client=client: client.put("/api/users/star/follow/").status_code for client in clients]
    )

    assert sorted(statuses) == [200] + [201] * 20
    assert Follow.objects.filter(followee=star).count() == 20
    assert authenticated_client(star).get("/api/users/star/").json()["follower_count"] == 20


@pytest.mark.parametrize("round_", range(3))
def test_a_follow_racing_a_block_never_survives_it(round_):
    star, fan = UserFactory(), UserFactory()
    star_client, fan_client = authenticated_client(star), authenticated_client(fan)

    statuses = run_at_once(
        [
            lambda: fan_client.put(f"/api/users/{star.username}/follow/").status_code,
            lambda: star_client.put(f"/api/users/{fan.username}/block/").status_code,
        ]
    )

    assert statuses[1] == 201
    assert statuses[0] in (201, 403)
    assert Block.objects.filter(blocker=star, blocked=fan).exists()
    assert not Follow.objects.filter(follower=fan, followee=star).exists()
