"""GET /api/notifications/ and POST /api/notifications/read/: what an item says, the unread filter and count, and
bad input answered with a clear 400 that writes nothing."""

import pytest
from django.utils import timezone

from comments.models import Comment
from follows.services import block_create, follow_create
from lists.models import FilmList
from notifications.models import Notification
from notifications.serializers import EXCERPT_LENGTH, MAX_IDS
from notifications.tests.utils import (
    HUGE_ID,
    NOTIFICATIONS_URL,
    READ_URL,
    comment,
    film_list,
    list_like,
    snapshot,
    unread_ids,
)
from reviews.services import review_like
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def notifications_for(user, count: int, *, read: int = 0) -> list[Notification]:
    """``count`` follow notifications for ``user`` from new members, the first ``read`` of them read."""
    made = [Notification.objects.create(recipient=user, actor=UserFactory(), kind=Kind.FOLLOW) for _ in range(count)]
    Notification.objects.filter(pk__in=[n.pk for n in made[:read]]).update(read_at=timezone.now())
    return made


def ids_of(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


class TestItems:
    def test_every_kind_says_what_it_is_about(self, user, user_client, django_capture_on_commit_callbacks):
        review = ReviewFactory(user=user, movie__title="Le Samouraï")
        target = film_list(user, name="Melville")
        liker, commenter, replier = UserFactory.create_batch(3)
        long_body = "x" * (EXCERPT_LENGTH + 10)
        with django_capture_on_commit_callbacks(execute=True):
            follow_create(follower=liker, followee=user)
            review_like(user=liker, review=review)
            list_like(liker, target)
            on_review = comment(commenter, review, long_body)
            on_list = comment(commenter, target, "Short.")
        other_review = ReviewFactory(movie=review.movie)
        comment(user, other_review)
        with django_capture_on_commit_callbacks(execute=True):
            reply = comment(replier, other_review, "Agreed.")

        rows = user_client.get(NOTIFICATIONS_URL).json()["results"]

        about_review = {"id": review.pk, "movie_id": review.movie_id, "movie_title": "Le Samouraï"}
        about_list = {"id": target.pk, "name": "Melville"}
        reply_about = {"id": other_review.pk, "movie_id": review.movie_id, "movie_title": "Le Samouraï"}
        expected = [
            ("reply", replier.username, reply_about, None, {"id": reply.pk, "excerpt": "Agreed."}),
            ("list_comment", commenter.username, None, about_list, {"id": on_list.pk, "excerpt": "Short."}),
            (
                "review_comment",
                commenter.username,
                about_review,
                None,
                {"id": on_review.pk, "excerpt": "x" * (EXCERPT_LENGTH - 1) + "…"},
            ),
            ("list_like", liker.username, None, about_list, None),
            ("review_like", liker.username, about_review, None, None),
            ("follow", liker.username, None, None, None),
        ]
        assert [(r["kind"], r["actor"], r["review"], r["list"], r["comment"]) for r in rows] == expected
        assert all(row["read"] is False and row["created_at"] for row in rows)
        assert len(rows[2]["comment"]["excerpt"]) == EXCERPT_LENGTH

    def test_newest_first_paginated_with_the_unread_count_beside_the_page(self, user, user_client):
        made = notifications_for(user, 5, read=2)

        body = user_client.get(NOTIFICATIONS_URL, {"page_size": 2, "page": 2}).json()

        assert list(body) == ["count", "next", "previous", "results", "unread_count"]
        assert (body["count"], body["unread_count"]) == (5, 3)
        assert [row["id"] for row in body["results"]] == [made[2].pk, made[1].pk]
        assert [row["read"] for row in body["results"]] == [False, True]

    def test_from_a_member_blocked_since_they_are_left_out(self, user, other_user, user_client):
        kept = notifications_for(user, 1)
        Notification.objects.create(recipient=user, actor=other_user, kind=Kind.FOLLOW)
        block_create(blocker=other_user, blocked=user)

        body = user_client.get(NOTIFICATIONS_URL).json()

        assert ([row["id"] for row in body["results"]], body["unread_count"]) == ([kept[0].pk], 1)

    def test_from_a_deactivated_member_they_are_left_out(self, user, other_user, user_client):
        kept = notifications_for(user, 1)
        Notification.objects.create(recipient=user, actor=other_user, kind=Kind.FOLLOW)
        type(other_user).objects.filter(pk=other_user.pk).update(is_active=False)

        body = user_client.get(NOTIFICATIONS_URL).json()

        assert ([row["id"] for row in body["results"]], body["unread_count"]) == ([kept[0].pk], 1)

    def test_about_content_the_recipient_may_no_longer_see_they_are_left_out(self, user, other_user, user_client):
        review = ReviewFactory(user=other_user)
        hidden_review_reply = Notification.objects.create(
            recipient=user, actor=other_user, kind=Kind.REPLY, review=review, comment=comment(other_user, review)
        )
        private = FilmList.objects.create(owner=other_user, name="Secret")
        private_list_reply = Notification.objects.create(
            recipient=user, actor=other_user, kind=Kind.REPLY, film_list=private, comment=comment(other_user, private)
        )
        own_list = film_list(user)
        hidden_comment = Comment.objects.create(author=other_user, film_list=own_list, body="Spam", hidden=True)
        Notification.objects.create(
            recipient=user, actor=other_user, kind=Kind.LIST_COMMENT, film_list=own_list, comment=hidden_comment
        )
        own_private = film_list(user, public=False)
        own_like = Notification.objects.create(
            recipient=user, actor=other_user, kind=Kind.LIST_LIKE, film_list=own_private
        )
        assert len(ids_of(user_client.get(NOTIFICATIONS_URL))) == 3  # All but the hidden comment's, for now.

        type(review).objects.filter(pk=review.pk).update(hidden=True)
        FilmList.objects.filter(pk=private.pk).update(public=False)

        body = user_client.get(NOTIFICATIONS_URL).json()
        assert ([row["id"] for row in body["results"]], body["unread_count"]) == ([own_like.pk], 1)
        assert {hidden_review_reply.pk, private_list_reply.pk}.isdisjoint(row["id"] for row in body["results"])


class TestUnreadFilter:
    @pytest.mark.parametrize("value", ["true", "false"])
    def test_filter(self, user, user_client, value):
        made = notifications_for(user, 5, read=3)
        Notification.objects.filter(pk=made[2].pk).update(read_at=None)  # Unread: 2, 3, 4.
        Notification.objects.filter(pk=made[4].pk).update(read_at=timezone.now())  # Unread: 2, 3.
        expected = {"true": [made[3].pk, made[2].pk], "false": [made[4].pk, made[1].pk, made[0].pk]}[value]

        body = user_client.get(NOTIFICATIONS_URL, {"unread": value}).json()

        assert ([row["id"] for row in body["results"]], body["count"]) == (expected, len(expected))
        assert body["unread_count"] == 2  # Whatever the filter.

    @pytest.mark.parametrize("value", ["yes", "1", "True", "unread", HUGE_ID])
    def test_anything_else_is_a_400(self, user, user_client, value):
        notifications_for(user, 1)

        response = user_client.get(NOTIFICATIONS_URL, {"unread": value})

        assert response.status_code == 400
        assert response.json()["code"] == "invalid" and "unread" in response.json()["errors"]


class TestMarkRead:
    def test_by_ids(self, user, user_client):
        made = notifications_for(user, 4)

        response = user_client.post(READ_URL, {"ids": [made[0].pk, made[2].pk]}, format="json")

        assert response.status_code == 200
        assert response.json() == {"unread_count": 2}
        assert unread_ids(user) == [made[1].pk, made[3].pk]

    def test_all(self, user, user_client, other_user):
        notifications_for(user, 3, read=1)
        others = notifications_for(other_user, 2)

        response = user_client.post(READ_URL, {"all": True}, format="json")

        assert response.json() == {"unread_count": 0}
        assert unread_ids(user) == []
        assert unread_ids(other_user) == sorted(n.pk for n in others)

    def test_marking_again_keeps_the_first_read_time(self, user, user_client):
        made = notifications_for(user, 1, read=1)[0]
        first_read = Notification.objects.get(pk=made.pk).read_at

        user_client.post(READ_URL, {"all": True}, format="json")

        assert Notification.objects.get(pk=made.pk).read_at == first_read

    def test_someone_elses_ids_change_nothing_and_reveal_nothing(self, user, user_client, other_user):
        mine = notifications_for(user, 2)
        theirs = notifications_for(other_user, 2)

        response = user_client.post(READ_URL, {"ids": [theirs[0].pk, mine[0].pk, 2**62]}, format="json")

        # The same answer as for an id that does not exist: nothing says whose the others are.
        assert (response.status_code, response.json()) == (200, {"unread_count": 1})
        assert unread_ids(other_user) == sorted(n.pk for n in theirs)
        assert unread_ids(user) == [mine[1].pk]

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"ids": [1], "all": True},
            {"all": False},
            {"all": None},
            {"ids": []},
            {"ids": None},
            {"ids": "1"},
            {"ids": 1},
            {"ids": ["1"]},
            {"ids": [1.5]},
            {"ids": [True]},
            {"ids": [None]},
            {"ids": [0]},
            {"ids": [-1]},
            {"ids": [HUGE_ID]},
            {"ids": list(range(1, MAX_IDS + 2))},
            {"ids": [1], "unexpected": 1},
            [1, 2],
        ],
        ids=lambda payload: str(payload)[:40],
    )
    def test_bad_input_is_a_400_that_writes_nothing(self, user, user_client, payload):
        notifications_for(user, 2)
        before = snapshot()

        response = user_client.post(READ_URL, payload, format="json")

        assert response.status_code == 400, response.content
        assert response.json()["status"] == 400 and response.json()["detail"]
        assert snapshot() == before

    def test_a_thousand_ids_are_accepted(self, user, user_client):
        made = notifications_for(user, 2)

        response = user_client.post(READ_URL, {"ids": [made[0].pk, *range(10**6, 10**6 + MAX_IDS - 1)]}, format="json")

        assert response.json() == {"unread_count": 1}

    def test_only_json_is_read(self, user, user_client):
        notifications_for(user, 2)
        before = snapshot()

        response = user_client.post(READ_URL, {"all": "true"}, format="multipart")

        assert response.status_code == 415
        assert snapshot() == before
