"""Following and blocking through the API, for each caller: anonymous, the member themself (the owner), another
member, an admin and a member on the other side of a block. Each write checks what reached the database."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from conftest import authenticated_client
from follows import services
from follows.models import Block, Follow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, OWNER, OTHER, ADMIN, BLOCKED = "anonymous", "owner", "other user", "admin", "blocked user"
HUGE = "9" * 30


def follow_url(username: str) -> str:
    return f"/api/users/{username}/follow/"


def block_url(username: str) -> str:
    return f"/api/users/{username}/block/"


def client_for(user) -> APIClient:
    return APIClient() if user is None else authenticated_client(user)


@pytest.fixture
def people():
    owner = UserFactory(username="owner")
    blocked = UserFactory(username="blocked")
    services.block_create(blocker=owner, blocked=blocked)
    return SimpleNamespace(
        owner=owner,
        users={
            ANONYMOUS: None,
            OWNER: owner,
            OTHER: UserFactory(),
            ADMIN: UserFactory(is_staff=True, is_superuser=True),
            BLOCKED: blocked,
        },
    )


def follows() -> set[tuple[int, int]]:
    return set(Follow.objects.values_list("follower_id", "followee_id"))


@pytest.mark.parametrize(
    ("actor", "status", "code"),
    [
        (ANONYMOUS, 401, "not_authenticated"),
        (OWNER, 400, "invalid"),
        (OTHER, 201, None),
        (ADMIN, 201, None),
        (BLOCKED, 403, "blocked"),
    ],
)
def test_following_the_owner(people, actor, status, code):
    response = client_for(people.users[actor]).put(follow_url("owner"))

    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
        assert follows() == set()
    else:
        assert follows() == {(people.users[actor].pk, people.owner.pk)}
        assert response.json() == {"username": "owner", "follower_count": 1}


def test_following_twice_is_a_200_and_one_follow(people):
    client = client_for(people.users[OTHER])

    assert client.put(follow_url("OWNER")).status_code == 201  # Usernames match in any case.
    assert client.put(follow_url("owner")).status_code == 200
    assert Follow.objects.count() == 1


def test_the_blocker_cannot_follow_whom_they_blocked_either(people):
    response = client_for(people.owner).put(follow_url("blocked"))

    assert response.status_code == 403
    assert response.json()["code"] == "blocked"
    assert follows() == set()


@pytest.mark.parametrize("url", [follow_url, block_url])
@pytest.mark.parametrize("username", ["nobody", HUGE])
def test_an_unknown_member_is_a_404(people, url, username):
    client = client_for(people.users[OTHER])

    assert client.put(url(username)).status_code == 404
    assert client.delete(url(username)).status_code == 404
    assert follows() == set() and Block.objects.count() == 1


def test_an_inactive_member_cannot_be_followed(people):
    UserFactory(username="gone", is_active=False)

    assert client_for(people.users[OTHER]).put(follow_url("gone")).status_code == 404


@pytest.mark.parametrize(("actor", "status"), [(ANONYMOUS, 401), (OWNER, 204), (OTHER, 204), (ADMIN, 204)])
def test_unfollowing_removes_only_the_callers_follow(people, actor, status):
    fans = [people.users[name] for name in (OTHER, ADMIN)]
    for fan in fans:
        services.follow_create(follower=fan, followee=people.owner)

    response = client_for(people.users[actor]).delete(follow_url("owner"))

    assert response.status_code == status
    expected = {(fan.pk, people.owner.pk) for fan in fans if fan is not people.users[actor]}
    assert follows() == expected


class TestBlocking:
    def test_a_block_ends_follows_both_ways_and_only_between_the_two(self, people):
        owner, other, admin = people.owner, people.users[OTHER], people.users[ADMIN]
        services.follow_create(follower=owner, followee=other)
        services.follow_create(follower=other, followee=owner)
        services.follow_create(follower=admin, followee=other)

        response = client_for(owner).put(block_url(other.username))

        assert response.status_code == 201
        assert follows() == {(admin.pk, other.pk)}
        assert client_for(other).put(follow_url("owner")).json()["code"] == "blocked"

    def test_blocking_twice_is_a_200(self, people):
        client = client_for(people.owner)

        assert client.put(block_url("blocked")).status_code == 200
        assert Block.objects.count() == 1

    @pytest.mark.parametrize(("actor", "status"), [(ANONYMOUS, 401), (OWNER, 400)])
    def test_anonymous_and_self_blocks_are_refused(self, people, actor, status):
        response = client_for(people.users[actor]).put(block_url("owner"))

        assert response.status_code == status
        assert Block.objects.count() == 1

    def test_unblocking_lets_them_follow_again_but_restores_nothing(self, people):
        services.follow_create(follower=people.users[OTHER], followee=people.owner)
        services.block_create(blocker=people.owner, blocked=people.users[OTHER])

        assert client_for(people.owner).delete(block_url(people.users[OTHER].username)).status_code == 204

        assert follows() == set()
        assert client_for(people.users[OTHER]).put(follow_url("owner")).status_code == 201

    def test_only_the_blocker_can_lift_a_block(self, people):
        assert client_for(people.users[BLOCKED]).delete(block_url("owner")).status_code == 204

        assert Block.objects.filter(blocker=people.owner, blocked=people.users[BLOCKED]).exists()


class TestLists:
    def test_followers_and_following_newest_first(self, people):
        first, second = people.users[OTHER], people.users[ADMIN]
        services.follow_create(follower=first, followee=people.owner)
        services.follow_create(follower=second, followee=people.owner)
        services.follow_create(follower=people.owner, followee=first)

        followers = APIClient().get("/api/users/owner/followers/").json()
        following = APIClient().get("/api/users/owner/following/").json()

        assert [row["member"]["username"] for row in followers["results"]] == [second.username, first.username]
        assert [row["member"]["username"] for row in following["results"]] == [first.username]
        assert followers["count"] == 2

    def test_the_other_side_of_a_block_is_left_out_for_each_side(self, people):
        fan, blocked = people.users[OTHER], people.users[BLOCKED]
        star = UserFactory(username="star")
        services.follow_create(follower=fan, followee=star)
        services.follow_create(follower=blocked, followee=star)

        def followers_seen_by(viewer) -> list[str]:
            response = client_for(viewer).get("/api/users/star/followers/")
            return [row["member"]["username"] for row in response.json()["results"]]

        assert followers_seen_by(None) == ["blocked", fan.username]
        assert followers_seen_by(people.owner) == [fan.username]
        assert "owner" not in followers_seen_by(blocked)

    def test_inactive_members_are_not_listed(self, people):
        services.follow_create(follower=UserFactory(is_active=False), followee=people.owner)

        assert APIClient().get("/api/users/owner/followers/").json()["count"] == 0

    @pytest.mark.parametrize("part", ["followers", "following"])
    def test_an_unknown_member_has_no_lists(self, people, part):
        assert APIClient().get(f"/api/users/nobody/{part}/").status_code == 404

    @pytest.mark.parametrize(("actor", "status", "count"), [(ANONYMOUS, 401, None), (OWNER, 200, 1), (OTHER, 200, 0)])
    def test_the_blocked_list_is_your_own(self, people, actor, status, count):
        response = client_for(people.users[actor]).get("/api/users/me/blocked/")

        assert response.status_code == status
        if count is not None:
            assert response.json()["count"] == count
        if count:
            assert response.json()["results"][0]["member"]["username"] == "blocked"


class TestProfile:
    def test_profiles_count_follows_and_say_whether_you_follow(self, people):
        other = people.users[OTHER]
        services.follow_create(follower=other, followee=people.owner)
        services.follow_create(follower=people.users[ADMIN], followee=people.owner)
        services.follow_create(follower=people.owner, followee=other)

        seen_by_other = client_for(other).get("/api/users/owner/").json()
        seen_by_anonymous = APIClient().get("/api/users/owner/").json()

        assert (seen_by_other["follower_count"], seen_by_other["following_count"]) == (2, 1)
        assert seen_by_other["followed"] is True
        assert seen_by_anonymous["followed"] is False
        assert client_for(people.owner).get(f"/api/users/{other.username}/").json()["followed"] is True
        assert client_for(people.users[ADMIN]).get(f"/api/users/{other.username}/").json()["followed"] is False


@pytest.mark.parametrize("size", [3, 15])
def test_follow_lists_take_a_fixed_number_of_queries(django_assert_num_queries, size):
    star = UserFactory(username="star")
    viewer = UserFactory()
    for fan in UserFactory.create_batch(size):
        services.follow_create(follower=fan, followee=star)
        services.follow_create(follower=star, followee=fan)
    client = authenticated_client(viewer)

    for part in ("followers", "following"):
        with django_assert_num_queries(4):  # The viewer, the member, COUNT, the page with its members.
            response = client.get(f"/api/users/star/{part}/", {"page_size": size})
        assert len(response.json()["results"]) == size
