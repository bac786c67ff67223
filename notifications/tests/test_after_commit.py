"""With real commits (each test commits its writes): notifications are made once a write commits, never for a
write that rolled back, and a write whose object is gone by then makes none and does not fail."""

import pytest
from django.db import transaction

from follows.services import follow_create
from notifications import services
from notifications.models import Notification
from notifications.tests.utils import comment, film_list, list_like, received
from reviews.services import review_like
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

Kind = Notification.Kind


class Boom(Exception):
    pass


WRITES = {
    "follow": lambda owner, actor: follow_create(follower=actor, followee=owner),
    "review like": lambda owner, actor: review_like(user=actor, review=ReviewFactory(user=owner)),
    "list like": lambda owner, actor: list_like(actor, film_list(owner)),
    "review comment": lambda owner, actor: comment(actor, ReviewFactory(user=owner)),
    "list comment": lambda owner, actor: comment(actor, film_list(owner)),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_committed_write_notifies_and_a_rolled_back_one_does_not(write):
    owner, actor = UserFactory(), UserFactory()

    with pytest.raises(Boom), transaction.atomic():
        WRITES[write](owner, actor)
        raise Boom
    assert not Notification.objects.exists()

    with transaction.atomic():
        WRITES[write](owner, actor)
    assert [kind for kind, *_ in received(owner)] == [write.replace(" ", "_")]


def test_a_rolled_back_reply_notifies_nobody():
    review, earlier, author = ReviewFactory(), UserFactory(), UserFactory()
    comment(earlier, review)
    assert len(received(review.user)) == 1

    with pytest.raises(Boom), transaction.atomic():
        comment(author, review)
        raise Boom

    assert received(earlier) == []
    assert len(received(review.user)) == 1


def test_a_rolled_back_savepoint_leaves_the_outer_writes_notifications():
    owner, kept, undone = UserFactory(), UserFactory(), UserFactory()

    with transaction.atomic():
        follow_create(follower=kept, followee=owner)
        with pytest.raises(Boom), transaction.atomic():
            follow_create(follower=undone, followee=owner)
            raise Boom

    assert received(owner) == [(Kind.FOLLOW, kept.pk, None, None, None)]


def test_a_like_of_a_review_deleted_since_makes_none_and_does_not_fail():
    review, liker = ReviewFactory(), UserFactory()
    missing_review = Notification(kind=Kind.REVIEW_LIKE, recipient=review.user, actor=liker, review_id=review.pk + 1000)

    assert services._save([missing_review]) == []
    assert not Notification.objects.exists()
    assert services.notify_review_like(user_id=liker.pk, review_id=review.pk + 1000) is None
