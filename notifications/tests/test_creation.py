"""Who is notified of what: one notification per kind, made once the write commits; none for a member's own action,
none across a block (either way), and the reply fan-out reaches each earlier commenter once."""

import pytest

from comments.models import Comment
from follows.models import Block
from follows.services import block_create, follow_create, follow_delete
from notifications.models import Notification
from notifications.tests.utils import comment, film_list, list_like, received, recipients
from reviews.services import review_like, review_unlike
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what the block registered for after commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class TestEachKind:
    def test_a_new_follower(self, user, other_user, committed):
        with committed():
            follow_create(follower=other_user, followee=user)

        assert received(user) == [(Kind.FOLLOW, other_user.pk, None, None, None)]
        assert received(other_user) == []

    def test_a_like_of_your_review(self, review, other_user, committed):
        with committed():
            review_like(user=other_user, review=review)

        assert received(review.user) == [(Kind.REVIEW_LIKE, other_user.pk, review.pk, None, None)]

    def test_a_like_of_your_list(self, user, other_user, committed):
        target = film_list(user)

        with committed():
            list_like(other_user, target)

        assert received(user) == [(Kind.LIST_LIKE, other_user.pk, None, target.pk, None)]

    def test_a_comment_on_your_review(self, review, other_user, committed):
        with committed():
            new = comment(other_user, review)

        assert received(review.user) == [(Kind.REVIEW_COMMENT, other_user.pk, review.pk, None, new.pk)]

    def test_a_comment_on_your_list(self, user, other_user, committed):
        target = film_list(user)

        with committed():
            new = comment(other_user, target)

        assert received(user) == [(Kind.LIST_COMMENT, other_user.pk, None, target.pk, new.pk)]

    @pytest.mark.parametrize("on", ["review", "list"])
    def test_a_reply_in_a_thread_you_commented_on(self, on, review, user, other_user, committed):
        thing = review if on == "review" else film_list(user)
        earlier = UserFactory()
        comment(earlier, thing)

        with committed():
            reply = comment(other_user, thing)

        about = (review.pk, None) if on == "review" else (None, thing.pk)
        assert received(earlier) == [(Kind.REPLY, other_user.pk, *about, reply.pk)]

    def test_nothing_before_the_write_commits(self, user, other_user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            follow_create(follower=other_user, followee=user)
            assert not Notification.objects.exists()

        assert callbacks  # the notice, and a new cache generation, wait for the commit
        for callback in callbacks:
            callback()
        assert received(user) == [(Kind.FOLLOW, other_user.pk, None, None, None)]

    def test_an_edited_comment_notifies_nobody_again(self, review, other_user, committed):
        with committed():
            new = comment(other_user, review)
        with committed():
            new.body = "Edited."
            new.save()

        assert len(received(review.user)) == 1


class TestOwnActions:
    def test_commenting_on_your_own_review(self, review, committed):
        with committed():
            comment(review.user, review)

        assert not Notification.objects.exists()

    def test_commenting_on_your_own_list(self, user, committed):
        target = film_list(user)
        with committed():
            comment(user, target)
            list_like(user, target)

        assert not Notification.objects.exists()

    def test_replying_after_your_own_comment(self, review, other_user, committed):
        with committed():
            comment(other_user, review)
            comment(other_user, review, "And another thing.")

        assert recipients(kind=Kind.REPLY) == []
        assert recipients(kind=Kind.REVIEW_COMMENT) == [review.user.pk] * 2


def _block(blocker, blocked) -> None:
    block_create(blocker=blocker, blocked=blocked)


@pytest.mark.parametrize("direction", ["owner blocked the actor", "actor blocked the owner"])
class TestAcrossABlock:
    def _apart(self, direction, owner, actor):
        if direction == "owner blocked the actor":
            _block(owner, actor)
        else:
            _block(actor, owner)

    def test_no_like_of_a_review(self, direction, review, other_user, committed):
        # Written directly: the like service refuses blocked members, and a notification must not rely on that.
        self._apart(direction, review.user, other_user)
        from reviews.models import ReviewLike

        with committed():
            ReviewLike.objects.create(user=other_user, review=review)

        assert not Notification.objects.exists()

    def test_no_like_or_comment_on_a_list(self, direction, user, other_user, committed):
        target = film_list(user)
        self._apart(direction, user, other_user)

        with committed():
            list_like(other_user, target)
            comment(other_user, target)

        assert not Notification.objects.exists()

    def test_no_comment_on_a_review(self, direction, review, other_user, committed):
        self._apart(direction, review.user, other_user)

        with committed():
            comment(other_user, review)

        assert not Notification.objects.exists()

    def test_no_follow(self, direction, user, other_user, committed):
        from follows.models import Follow

        self._apart(direction, user, other_user)
        with committed():
            Follow.objects.create(follower=other_user, followee=user)

        assert not Notification.objects.exists()

    def test_no_reply(self, direction, review, user, other_user, committed):
        earlier, bystander = UserFactory(), UserFactory()
        comment(earlier, review)
        comment(bystander, review)
        self._apart(direction, earlier, other_user)

        with committed():
            comment(other_user, review)

        assert recipients(kind=Kind.REPLY) == [bystander.pk]
        assert recipients(kind=Kind.REVIEW_COMMENT) == [user.pk]


class TestReplyFanOut:
    def test_each_earlier_commenter_once_not_the_owner_nor_the_author(self, review, committed):
        owner = review.user
        first, second, third, author = UserFactory.create_batch(4)
        # The owner comments too, and so does the new comment's author; the first commenter twice.
        for member in (first, owner, second, first, third, author):
            comment(member, review)

        with committed():
            new = comment(author, review)

        assert recipients(kind=Kind.REPLY, comment=new) == sorted([first.pk, second.pk, third.pk])
        assert recipients(kind=Kind.REVIEW_COMMENT, comment=new) == [owner.pk]
        assert Notification.objects.filter(comment=new).count() == 4

    def test_the_owner_replying_reaches_the_commenters(self, user, committed):
        target = film_list(user)
        first, second = UserFactory.create_batch(2)
        comment(first, target)
        comment(second, target)

        with committed():
            new = comment(user, target)

        assert recipients(kind=Kind.REPLY, comment=new) == sorted([first.pk, second.pk])
        assert recipients(kind=Kind.LIST_COMMENT) == []

    def test_only_the_same_thread(self, review, committed):
        elsewhere, here, author = UserFactory.create_batch(3)
        comment(elsewhere, ReviewFactory(movie=review.movie))
        comment(elsewhere, film_list(review.user))
        comment(here, review)

        with committed():
            comment(author, review)

        assert recipients(kind=Kind.REPLY) == [here.pk]

    def test_not_the_author_of_a_hidden_comment(self, review, committed):
        moderated, visible, author = UserFactory.create_batch(3)
        Comment.objects.create(author=moderated, review=review, body="Spam.", hidden=True)
        comment(visible, review)

        with committed():
            comment(author, review)

        assert recipients(kind=Kind.REPLY) == [visible.pk]

    def test_a_private_list_thread_reaches_only_its_owner(self, user, committed):
        target = film_list(user)
        earlier, author = UserFactory.create_batch(2)
        comment(earlier, target)
        target.public = False
        target.save()

        with committed():
            comment(author, target)

        assert recipients() == [user.pk]


class TestRepeats:
    def test_follow_unfollow_follow_tells_once_while_unread(self, user, other_user, committed):
        for _ in range(2):
            with committed():
                follow_create(follower=other_user, followee=user)
            follow_delete(follower=other_user, followee=user)

        assert len(received(user)) == 1

    def test_a_new_like_after_the_first_was_read_tells_again(self, review, other_user, committed):
        with committed():
            review_like(user=other_user, review=review)
        Notification.objects.update(read_at="2024-01-01T00:00:00Z")
        review_unlike(user=other_user, review=review)
        with committed():
            review_like(user=other_user, review=review)

        assert [kind for kind, *_ in received(review.user)] == [Kind.REVIEW_LIKE] * 2


class TestDeletion:
    def test_deleting_a_review_takes_its_notifications(self, review, other_user, committed):
        with committed():
            review_like(user=other_user, review=review)
            comment(other_user, review)
        kept = UserFactory()
        with committed():
            follow_create(follower=kept, followee=review.user)

        review.delete()

        assert received(review.user) == [(Kind.FOLLOW, kept.pk, None, None, None)]

    def test_deleting_a_list_or_a_comment_takes_its_notifications(self, user, other_user, committed):
        target = film_list(user)
        earlier = UserFactory()
        comment(earlier, target)
        with committed():
            list_like(other_user, target)
            reply = comment(other_user, target)
        assert recipients() == sorted([user.pk, user.pk, earlier.pk])

        reply.delete()
        assert recipients() == [user.pk]  # The like.
        target.delete()
        assert not Notification.objects.exists()

    def test_a_comment_deleted_before_its_notifications_are_made_leaves_none(self, review, other_user, committed):
        with committed():
            new = comment(other_user, review)
            Comment.objects.filter(pk=new.pk).delete()

        assert not Notification.objects.exists()

    def test_unblocked_members_are_notified_again(self, user, other_user, committed):
        _block(user, other_user)
        Block.objects.filter(blocker=user).delete()

        with committed():
            follow_create(follower=other_user, followee=user)

        assert len(received(user)) == 1
