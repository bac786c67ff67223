"""Notification writes. Each notification is made after the write it reports has committed (see signals.py), so a
rolled-back follow, like or comment leaves none; none is made for a member's own action or across a block."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from comments.models import Comment
from follows.selectors import is_blocked_between
from lists.models import FilmList
from notifications import selectors
from notifications.models import Notification
from reviews.models import Review

Kind = Notification.Kind


def notify_follow(*, follower_id: int, followee_id: int) -> Notification | None:
    return _notify_one(kind=Kind.FOLLOW, recipient_id=followee_id, actor_id=follower_id)


def notify_review_like(*, user_id: int, review_id: int) -> Notification | None:
    owner_id = selectors.review_owner(review_id)
    return _notify_one(kind=Kind.REVIEW_LIKE, recipient_id=owner_id, actor_id=user_id, review_id=review_id)


def notify_list_like(*, user_id: int, film_list_id: int) -> Notification | None:
    owner = selectors.film_list_owner(film_list_id)
    owner_id = owner[0] if owner else None
    return _notify_one(kind=Kind.LIST_LIKE, recipient_id=owner_id, actor_id=user_id, film_list_id=film_list_id)


def notify_comment(*, comment_id: int) -> list[Notification]:
    """The owner of the review or list hears of the comment; everyone who commented there before hears of a reply
    (each once; not the owner, who has the comment's own notification, nor the comment's author)."""
    comment = selectors.comment_to_notify(comment_id)
    if comment is None:  # Deleted or hidden since.
        return []
    kind, about, owner_id, public = _thread_of(comment)
    if owner_id is None:  # Deleted since.
        return []
    actor_id, about = comment.author_id, {**about, "comment_id": comment.pk}
    notifications = []
    if owner_id != actor_id and not is_blocked_between(actor_id, owner_id):
        notifications.append(Notification(kind=kind, recipient_id=owner_id, actor_id=actor_id, **about))
    # A private list's thread is its owner's alone.
    participants = selectors.thread_participants(comment, leave_out={owner_id, actor_id}) if public else []
    notifications += [
        Notification(kind=Kind.REPLY, recipient_id=recipient_id, actor_id=actor_id, **about)
        for recipient_id in participants
    ]
    return _save(notifications)


def _thread_of(comment: Comment) -> tuple[str, dict[str, int], int | None, bool]:
    """(the owner's notification kind, what it is about, the owner's id or None if gone, public) of the review or
    list ``comment`` is on."""
    if comment.review_id is not None:
        about = {"review_id": comment.review_id}
        return Kind.REVIEW_COMMENT, about, selectors.review_owner(comment.review_id), True
    assert comment.film_list_id is not None  # A comment is on a review or on a list.
    owner_id, public = selectors.film_list_owner(comment.film_list_id) or (None, False)
    return Kind.LIST_COMMENT, {"film_list_id": comment.film_list_id}, owner_id, public


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None, everything: bool = False) -> int:
    """Mark the given notifications of ``user`` read (ids of anyone else's change nothing), or all of them;
    the new unread count."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not everything:
        unread = unread.filter(pk__in=ids or [])
    unread.update(read_at=timezone.now())
    return selectors.unread_count(user)


def _notify_one(*, kind: str, recipient_id: int | None, actor_id: int, **about: int) -> Notification | None:
    """One notification, unless it would be for the actor's own action, across a block, or the same as one the
    recipient has not read yet (follow, unfollow, follow again tells them once)."""
    if recipient_id is None or recipient_id == actor_id or is_blocked_between(actor_id, recipient_id):
        return None
    fields = {"kind": kind, "recipient_id": recipient_id, "actor_id": actor_id, **about}
    if Notification.objects.filter(read_at__isnull=True, **fields).exists():
        return None
    saved = _save([Notification(**fields)])
    return saved[0] if saved else None


def _save(notifications: list[Notification]) -> list[Notification]:
    """Save notifications that are all about the same review, list or comment, unless it has been deleted since."""
    if not notifications:
        return []
    try:
        with transaction.atomic():
            if not _about_still_there(notifications[0]):
                return []
            return Notification.objects.bulk_create(notifications)
    except IntegrityError:
        # A member they name was deleted after the write committed: they would have been deleted with them.
        return []


def _about_still_there(notification: Notification) -> bool:
    # Locked in the order a deletion takes them (the review or list, then its comments), so that a deletion under way
    # waits for these inserts or they wait for it, and then find it gone: never each waiting for the other.
    about: list[tuple[type[Review] | type[FilmList] | type[Comment], int | None]] = [
        (Review, notification.review_id),
        (FilmList, notification.film_list_id),
        (Comment, notification.comment_id),
    ]
    return all(
        model.objects.select_for_update(no_key=True).filter(pk=pk).values_list("pk", flat=True).first() is not None
        for model, pk in about
        if pk is not None
    )
