"""Every comment endpoint for each caller (anonymous, the owner of the review or list, the commenter, another
member, an admin, and a member the owner blocked): the status, and what reached the database."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import resolve

from comments import urls as comment_urls
from comments.models import Comment
from comments.tests.utils import (
    ACTORS,
    BLOCKED,
    COMMENTER,
    OTHER,
    OWNER,
    World,
    assert_counts_exact,
    client_for,
    comment_count,
    comment_url,
    list_comments_url,
    make_world,
    result_ids,
    review_comments_url,
    snapshot,
)
from follows.services import block_create
from lists.models import FilmList
from tests.factories import ReviewFactory, UserFactory


@pytest.fixture
def world(db) -> World:
    return make_world()


def statuses(default: int, **by_actor: int) -> dict[str, int]:
    return {actor: by_actor.get(actor, default) for actor in ACTORS}


# --- Writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    # After a success: does the database hold what the actor asked for?
    happened: Callable[[World, Any], bool]
    payload: dict | None = None
    # Refused because of the block (403 "blocked"), not for want of permission.
    blocked_refused: bool = False


NEW_BODY = {"body": "  <b>Seen it</b> twice.\n"}


def _posted_on(thing: Callable[[World], Any], field: str) -> Callable[[World, Any], bool]:
    def happened(w: World, actor) -> bool:
        target = thing(w)
        new = Comment.objects.filter(author=actor, body="<b>Seen it</b> twice.", **{field: target})
        return new.count() == 1 and not new.get().edited

    return happened


def _edited(comment: Callable[[World], Comment]) -> Callable[[World, Any], bool]:
    def happened(w: World, actor) -> bool:
        row = Comment.objects.get(pk=comment(w).pk)
        return row.body == "<b>Seen it</b> twice." and row.edited and row.author_id == comment(w).author_id

    return happened


def _deleted(comment: Callable[[World], Comment]) -> Callable[[World, Any], bool]:
    return lambda w, actor: not Comment.objects.filter(pk=comment(w).pk).exists()


WRITES = {
    "POST review comment": Write(
        "post",
        lambda w: review_comments_url(w.review.pk),
        statuses(201, anonymous=401, blocked=403),
        _posted_on(lambda w: w.review, "review"),
        NEW_BODY,
        blocked_refused=True,
    ),
    "POST hidden review comment": Write(
        "post",
        lambda w: review_comments_url(w.hidden_review.pk),
        statuses(404, anonymous=401, owner=201, admin=201),
        _posted_on(lambda w: w.hidden_review, "review"),
        NEW_BODY,
    ),
    # To read, the list of a member on the other side of a block does not exist (a 404); to act on, it is a 403.
    "POST list comment": Write(
        "post",
        lambda w: list_comments_url(w.public_list.pk),
        statuses(201, anonymous=401, blocked=403),
        _posted_on(lambda w: w.public_list, "film_list"),
        NEW_BODY,
        blocked_refused=True,
    ),
    "POST private list comment": Write(
        "post",
        lambda w: list_comments_url(w.private_list.pk),
        statuses(404, anonymous=401, owner=201),
        _posted_on(lambda w: w.private_list, "film_list"),
        NEW_BODY,
    ),
    "PATCH comment on review": Write(
        "patch",
        lambda w: comment_url(w.on_review.pk),
        statuses(403, anonymous=401, commenter=200),
        _edited(lambda w: w.on_review),
        NEW_BODY,
    ),
    "PATCH comment on list": Write(
        "patch",
        lambda w: comment_url(w.on_list.pk),
        statuses(403, anonymous=401, commenter=200, blocked=404),
        _edited(lambda w: w.on_list),
        NEW_BODY,
    ),
    "PATCH comment on hidden review": Write(
        "patch",
        lambda w: comment_url(w.on_hidden_review.pk),
        statuses(404, anonymous=401, owner=403, admin=403),
        _edited(lambda w: w.on_hidden_review),
        NEW_BODY,
    ),
    "PATCH comment on private list": Write(
        "patch",
        lambda w: comment_url(w.on_private_list.pk),
        statuses(404, anonymous=401, owner=200),
        _edited(lambda w: w.on_private_list),
        NEW_BODY,
    ),
    # The blocked member may no longer write on the owner's review, not even to edit their old comment.
    "PATCH the blocked member's comment": Write(
        "patch",
        lambda w: comment_url(w.by_blocked.pk),
        statuses(403, anonymous=401, owner=404),
        _edited(lambda w: w.by_blocked),
        NEW_BODY,
        blocked_refused=True,
    ),
    "DELETE comment on review": Write(
        "delete",
        lambda w: comment_url(w.on_review.pk),
        statuses(204, anonymous=401, other=403, blocked=403),
        _deleted(lambda w: w.on_review),
    ),
    "DELETE comment on list": Write(
        "delete",
        lambda w: comment_url(w.on_list.pk),
        statuses(204, anonymous=401, other=403, blocked=404),
        _deleted(lambda w: w.on_list),
    ),
    "DELETE comment on hidden review": Write(
        "delete",
        lambda w: comment_url(w.on_hidden_review.pk),
        statuses(404, anonymous=401, owner=204, admin=204),
        _deleted(lambda w: w.on_hidden_review),
    ),
    "DELETE comment on private list": Write(
        "delete",
        lambda w: comment_url(w.on_private_list.pk),
        statuses(404, anonymous=401, owner=204),
        _deleted(lambda w: w.on_private_list),
    ),
    # Taking one's own words back is always allowed; the owner no longer sees the comment at all.
    "DELETE the blocked member's comment": Write(
        "delete",
        lambda w: comment_url(w.by_blocked.pk),
        statuses(403, anonymous=401, owner=404, admin=204, blocked=204),
        _deleted(lambda w: w.by_blocked),
    ),
}


@pytest.mark.parametrize(
    ("name", "actor", "expected_status"),
    [
        pytest.param(name, actor, status, id=f"{name} as {actor} -> {status}")
        for name, write in WRITES.items()
        for actor, status in write.expected.items()
    ],
)
def test_write_permissions(world, name, actor, expected_status):
    write = WRITES[name]
    user = world.users[actor]
    before = snapshot()

    response = getattr(world.client(actor), write.method)(write.url(world), write.payload, format="json")

    assert response.status_code == expected_status, response.content
    assert_counts_exact()
    if expected_status < 300:
        assert write.happened(world, user), snapshot()
        return
    body = response.json()
    assert body["status"] == expected_status
    default_codes = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
    blocked = write.blocked_refused and actor == BLOCKED
    assert body["code"] == ("blocked" if blocked else default_codes[expected_status]), body
    assert snapshot() == before


def test_posting_and_deleting_move_the_count_by_one(world):
    commenter = world.client(COMMENTER)
    assert comment_count(world.review) == 2

    created = commenter.post(review_comments_url(world.review.pk), {"body": "Again."}, format="json")
    assert comment_count(world.review) == 3

    assert world.client(OWNER).delete(comment_url(created.json()["id"])).status_code == 204
    assert comment_count(world.review) == 2
    assert_counts_exact()


@pytest.mark.parametrize("on", ["review", "list"])
@pytest.mark.parametrize("direction", ["the author blocked the owner", "the owner blocked the author"])
def test_a_block_either_way_stops_comments(db, direction, on):
    owner, author = UserFactory(), UserFactory()
    if on == "review":
        url = review_comments_url(ReviewFactory(user=owner).pk)
    else:
        url = list_comments_url(FilmList.objects.create(owner=owner, name="Picks").pk)
    if direction == "the author blocked the owner":
        block_create(blocker=author, blocked=owner)
    else:
        block_create(blocker=owner, blocked=author)
    before = snapshot()

    response = client_for(author).post(url, {"body": "Hello"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "blocked"
    assert snapshot() == before


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    url: Callable[[World], str]
    expected: dict[str, int]
    # After a 200: what the body must show the actor.
    shows: Callable[[World, str, Any], bool]


def _review_thread(w: World, actor: str, response) -> bool:
    # The owner and the member they blocked do not see each other's comments.
    expected = [w.on_review.pk] if actor == OWNER else [w.on_review.pk, w.by_blocked.pk]
    return result_ids(response) == expected and response.json()["count"] == len(expected)


def _only(comment: Callable[[World], Comment]) -> Callable[[World, str, Any], bool]:
    return lambda w, actor, response: result_ids(response) == [comment(w).pk]


def _the_comment(comment: Callable[[World], Comment]) -> Callable[[World, str, Any], bool]:
    def shows(w: World, actor: str, response) -> bool:
        body = response.json()
        return body["id"] == comment(w).pk and body["body"] == comment(w).body

    return shows


READS = {
    "GET review comments": Read(lambda w: review_comments_url(w.review.pk), statuses(200), _review_thread),
    "GET hidden review comments": Read(
        lambda w: review_comments_url(w.hidden_review.pk),
        statuses(404, owner=200, admin=200),
        _only(lambda w: w.on_hidden_review),
    ),
    "GET list comments": Read(
        lambda w: list_comments_url(w.public_list.pk), statuses(200, blocked=404), _only(lambda w: w.on_list)
    ),
    "GET private list comments": Read(
        lambda w: list_comments_url(w.private_list.pk), statuses(404, owner=200), _only(lambda w: w.on_private_list)
    ),
    "GET comment on review": Read(
        lambda w: comment_url(w.on_review.pk), statuses(200), _the_comment(lambda w: w.on_review)
    ),
    "GET comment on list": Read(
        lambda w: comment_url(w.on_list.pk), statuses(200, blocked=404), _the_comment(lambda w: w.on_list)
    ),
    "GET comment on hidden review": Read(
        lambda w: comment_url(w.on_hidden_review.pk),
        statuses(404, owner=200, admin=200),
        _the_comment(lambda w: w.on_hidden_review),
    ),
    "GET comment on private list": Read(
        lambda w: comment_url(w.on_private_list.pk),
        statuses(404, owner=200),
        _the_comment(lambda w: w.on_private_list),
    ),
    "GET the blocked member's comment": Read(
        lambda w: comment_url(w.by_blocked.pk), statuses(200, owner=404), _the_comment(lambda w: w.by_blocked)
    ),
}


@pytest.mark.parametrize(
    ("name", "actor", "expected_status"),
    [
        pytest.param(name, actor, status, id=f"{name} as {actor} -> {status}")
        for name, read in READS.items()
        for actor, status in read.expected.items()
    ],
)
def test_read_permissions(world, name, actor, expected_status):
    read = READS[name]
    before = snapshot()

    response = world.client(actor).get(read.url(world))

    assert response.status_code == expected_status, response.content
    if expected_status == 200:
        assert read.shows(world, actor, response), response.json()
    else:
        assert response.json()["code"] == "not_found"
    assert snapshot() == before


def test_the_matrices_cover_every_comment_route_for_every_caller():
    stub = SimpleNamespace(pk=1)
    fake = World(users={}, **{name: stub for name in World.__dataclass_fields__ if name != "users"})
    urls = [write.url(fake) for write in WRITES.values()] + [read.url(fake) for read in READS.values()]
    covered = {resolve(url).url_name for url in urls}

    assert {pattern.name for pattern in comment_urls.urlpatterns} <= covered
    assert all(set(endpoint.expected) == set(ACTORS) for endpoint in [*WRITES.values(), *READS.values()])
    methods = {(resolve(write.url(fake)).url_name, write.method) for write in WRITES.values()}
    assert {("review-comments", "post"), ("list-comments", "post"), ("comment-detail", "patch")} <= methods
    assert ("comment-detail", "delete") in methods


@pytest.mark.parametrize("method", ["put", "post"])
def test_other_methods_on_a_comment_are_405(world, method):
    before = snapshot()
    response = getattr(world.client(COMMENTER), method)(comment_url(world.on_review.pk), NEW_BODY, format="json")
    assert response.status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_other_members_comments_by_id_are_403_when_seen_and_404_when_not(world, method):
    """BOLA: a member cannot reach others' comments by guessing ids."""
    other = world.client(OTHER)
    before = snapshot()

    seen = getattr(other, method)(comment_url(world.on_review.pk), NEW_BODY, format="json")
    unseen = [
        getattr(other, method)(comment_url(comment.pk), NEW_BODY, format="json")
        for comment in (world.on_hidden_review, world.on_private_list)
    ]

    assert seen.status_code == 403
    assert [response.status_code for response in unseen] == [404, 404]
    assert snapshot() == before
