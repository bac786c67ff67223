"""What never reaches a feed: private diaries (as they are when the feed is read), private lists, hidden reviews
and likes of them, and anything by or about a member on the other side of a block with the viewer."""

import pytest

from conftest import authenticated_client
from feed.tests.utils import FEED_URL, diary_entry_by, follow, kinds_and_actors, like_by, list_by, review_by
from follows.models import Block
from follows.services import block_create, block_delete
from reviews.models import Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer():
    return UserFactory()


@pytest.fixture
def client(viewer):
    return authenticated_client(viewer)


@pytest.fixture
def alice(viewer):
    member = UserFactory()
    follow(viewer, member)
    return member


def test_a_private_diary_never_appears_and_going_private_hides_old_entries(client, alice):
    diary_entry_by(alice)
    review_by(alice)
    assert [kind for kind, _ in kinds_and_actors(client.get(FEED_URL))] == ["review", "diary_entry"]

    alice.diary_public = False
    alice.save(update_fields=["diary_public"])

    assert kinds_and_actors(client.get(FEED_URL)) == [("review", alice.username)]
    assert kinds_and_actors(client.get(FEED_URL, {"kind": "diary_entry"})) == []

    alice.diary_public = True
    alice.save(update_fields=["diary_public"])
    assert len(kinds_and_actors(client.get(FEED_URL))) == 2


def test_a_private_list_never_appears(client, alice):
    list_by(alice, name="Open")
    secret = list_by(alice, name="Secret", public=False)

    assert [row[0] for row in kinds_and_actors(client.get(FEED_URL))] == ["list"]

    secret.public = True
    secret.save(update_fields=["public"])
    assert len(kinds_and_actors(client.get(FEED_URL))) == 2


def test_a_hidden_review_and_likes_of_it_never_appear(client, alice, viewer):
    bob = UserFactory()
    follow(viewer, bob)
    review = review_by(alice)
    like_by(bob, review)
    like_by(bob)  # a visible review's like stays

    Review.objects.filter(pk=review.pk).update(hidden=True)

    assert kinds_and_actors(client.get(FEED_URL)) == [("review_like", bob.username)]


@pytest.mark.parametrize("direction", ["viewer blocked", "blocked the viewer"])
def test_a_followed_members_like_of_a_blocked_members_review_is_left_out(client, alice, viewer, direction):
    mallory = UserFactory()
    like_by(alice, review_by(mallory))
    kept = like_by(alice)
    if direction == "viewer blocked":
        block_create(blocker=viewer, blocked=mallory)
    else:
        block_create(blocker=mallory, blocked=viewer)

    rows = client.get(FEED_URL).json()["results"]

    assert [row["review_like"]["review_id"] for row in rows] == [kept.pk]
    assert mallory.username not in str(rows)


@pytest.mark.parametrize("direction", ["viewer blocked", "blocked the viewer"])
def test_a_block_either_way_hides_the_members_own_activity(client, alice, viewer, direction):
    review_by(alice)
    # The follow outlives the block only if written around the service (it removes follows both ways).
    if direction == "viewer blocked":
        Block.objects.create(blocker=viewer, blocked=alice)
    else:
        Block.objects.create(blocker=alice, blocked=viewer)

    assert kinds_and_actors(client.get(FEED_URL)) == []


def test_a_block_ends_the_follow_and_unblocking_does_not_bring_it_back(client, alice, viewer):
    review_by(alice)
    block_create(blocker=viewer, blocked=alice)
    block_delete(blocker=viewer, blocked=alice)

    assert kinds_and_actors(client.get(FEED_URL)) == []


def test_someone_elses_block_does_not_change_what_the_viewer_sees(client, alice):
    mallory = UserFactory()
    like_by(alice, review_by(mallory))
    block_create(blocker=mallory, blocked=UserFactory())

    assert kinds_and_actors(client.get(FEED_URL)) == [("review_like", alice.username)]
