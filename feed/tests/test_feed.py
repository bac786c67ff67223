"""The feed's content: whose activity, which kinds, what each item carries, newest first, the kind filter."""

import datetime

import pytest
from django.utils import timezone

from conftest import authenticated_client
from feed.models import Event
from feed.selectors import EXCERPT_CHARS
from feed.tests.utils import (
    FEED_URL,
    diary_entry_by,
    follow,
    items,
    kinds_and_actors,
    like_by,
    list_by,
    one_of_each,
    review_by,
)
from follows.services import follow_delete
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

KINDS = ["review", "diary_entry", "list", "review_like"]


@pytest.fixture
def viewer():
    return UserFactory()


@pytest.fixture
def client(viewer):
    return authenticated_client(viewer)


def test_followed_members_activity_newest_first_and_nobody_elses(viewer, client):
    alice, bob, stranger = UserFactory(), UserFactory(), UserFactory()
    follow(viewer, alice, bob)
    one_of_each(alice)
    review_by(bob)
    one_of_each(stranger)
    one_of_each(viewer)

    rows = items(client.get(FEED_URL))

    assert [(row["kind"], row["actor"]) for row in rows] == [
        ("review", bob.username),
        ("review_like", alice.username),
        ("list", alice.username),
        ("diary_entry", alice.username),
        ("review", alice.username),
    ]
    moments = [row["created_at"] for row in rows]
    assert moments == sorted(moments, reverse=True)


def test_order_follows_when_things_were_done_not_when_events_were_written(viewer, client):
    alice = UserFactory()
    follow(viewer, alice)
    now = timezone.now()
    old = review_by(alice, created_at=now - datetime.timedelta(days=3))
    new = review_by(alice, created_at=now - datetime.timedelta(days=1))
    middle = review_by(alice, created_at=now - datetime.timedelta(days=2))

    assert [row["review"]["id"] for row in items(client.get(FEED_URL))] == [new.pk, middle.pk, old.pk]


def test_each_kind_carries_its_object(viewer, client):
    alice = UserFactory()
    follow(viewer, alice)
    movie = MovieFactory(title="Stalker", poster_url="https://img.example/stalker.jpg")
    review = review_by(alice, movie=movie, rating=4.5, body="Slow and " + "x" * 400)
    entry = diary_entry_by(alice, movie=movie, rating=None, rewatch=False, watched_on=datetime.date(2024, 2, 3))
    film_list = list_by(alice, name="Zone")
    liked = like_by(alice, review_by(UserFactory(username="carol"), movie=movie))

    by_kind = {row["kind"]: row for row in items(client.get(FEED_URL))}

    summary = {"id": movie.pk, "title": "Stalker", "release_date": movie.release_date.isoformat(),
               "poster_url": "https://img.example/stalker.jpg"}  # fmt: skip
    excerpt = by_kind["review"]["review"].pop("body_excerpt")
    assert by_kind["review"]["review"] == {"id": review.pk, "movie": summary, "rating": 4.5}
    assert excerpt.startswith("Slow and x") and excerpt.endswith("…") and len(excerpt) == EXCERPT_CHARS + 1
    assert by_kind["diary_entry"]["diary_entry"] == {
        "id": entry.pk, "movie": summary, "watched_on": "2024-02-03", "rating": None, "rewatch": False,
    }  # fmt: skip
    assert by_kind["list"]["list"] == {"id": film_list.pk, "name": "Zone", "item_count": 0}
    assert by_kind["review_like"]["review_like"] == {"review_id": liked.pk, "author": "carol", "movie": summary}
    for kind, row in by_kind.items():
        assert row["actor"] == alice.username and row["id"] and row["created_at"]
        assert [key for key in KINDS if row[key if key != "list" else "list"] is not None] == [kind]


def test_short_review_bodies_are_whole(viewer, client):
    alice = UserFactory()
    follow(viewer, alice)
    review_by(alice, body="Short and sweet.", rating=3)

    row = items(client.get(FEED_URL))[0]["review"]

    assert row["body_excerpt"] == "Short and sweet." and row["rating"] == 3


@pytest.mark.parametrize("kind", KINDS)
def test_kind_filter_keeps_only_that_kind(viewer, client, kind):
    alice, bob = UserFactory(), UserFactory()
    follow(viewer, alice, bob)
    one_of_each(alice)
    one_of_each(bob)

    rows = kinds_and_actors(client.get(FEED_URL, {"kind": kind}))

    assert rows == [(kind, bob.username), (kind, alice.username)]


@pytest.mark.parametrize("kind", ["reviews", "REVIEW", "", "comment", "review,list"])
def test_unknown_kind_is_400(client, kind):
    response = client.get(FEED_URL, {"kind": kind})

    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_unfollowing_removes_their_items(viewer, client):
    alice, bob = UserFactory(), UserFactory()
    follow(viewer, alice, bob)
    one_of_each(alice)
    review_by(bob)

    follow_delete(follower=viewer, followee=alice)

    assert kinds_and_actors(client.get(FEED_URL)) == [("review", bob.username)]


@pytest.mark.parametrize("kind", KINDS)
def test_deleting_the_object_removes_its_item_and_event(viewer, client, kind):
    alice = UserFactory()
    follow(viewer, alice)
    objects = one_of_each(alice)
    target = objects[kind]
    if kind == "review_like":
        target = target.likes.get(user=alice)

    target.delete()

    assert kind not in [row["kind"] for row in items(client.get(FEED_URL))]
    assert not Event.objects.filter(actor=alice, kind=kind).exists()
    assert Event.objects.filter(actor=alice).count() == 3


def test_a_deleted_liked_review_takes_the_like_item_with_it(viewer, client):
    alice = UserFactory()
    follow(viewer, alice)
    liked = like_by(alice)

    liked.delete()

    assert items(client.get(FEED_URL)) == []


def test_no_follows_no_items(client):
    one_of_each(UserFactory())

    assert items(client.get(FEED_URL)) == []


def test_events_are_written_for_service_made_objects(viewer):
    alice = UserFactory()
    objects = one_of_each(alice)

    events = {event.kind: event for event in Event.objects.all()}

    assert events["review"].review_id == objects["review"].pk
    assert events["diary_entry"].diary_entry_id == objects["diary_entry"].pk
    assert events["list"].film_list_id == objects["list"].pk
    assert events["review_like"].review_like.review_id == objects["review_like"].pk
    assert events["review_like"].subject_id == objects["review_like"].user_id
    assert {event.actor_id for event in events.values()} == {alice.pk}
    assert events["review"].created_at == objects["review"].created_at
