"""Notification reads: a member's own notifications, and who a new comment's thread reaches."""

from django.db.models import Q, QuerySet

from accounts.models import User
from comments.models import Comment
from follows.models import Block
from follows.selectors import without_blocked
from lists.models import FilmList
from notifications.models import Notification
from reviews.models import Review


def notifications_of(user: User) -> QuerySet[Notification]:
    """``user``'s notifications, newest first, with what each is about in the same statement.

    Left out: those from a deactivated member or from one on the other side of a block (made since), those about
    a hidden comment, and those about someone else's review or list the recipient may no longer see (hidden, or
    made private).
    """
    about_visible = (
        (Q(comment__isnull=True) | Q(comment__hidden=False))
        & (Q(review__isnull=True) | Q(review__hidden=False) | Q(review__user=user))
        & (Q(film_list__isnull=True) | Q(film_list__public=True) | Q(film_list__owner=user))
    )
    notifications = Notification.objects.filter(about_visible, recipient=user, actor__is_active=True)
    return without_blocked(notifications, user, "actor")


def notifications_page_rows(user: User) -> QuerySet[Notification]:
    """notifications_of(user) with the columns a page shows, the related rows joined in."""
    return (
        notifications_of(user)
        .select_related("actor", "review__movie", "film_list", "comment")
        .only(
            "id",
            "kind",
            "created_at",
            "read_at",
            "actor__username",
            "review__movie__title",
            "film_list__name",
            "comment__body",
        )
    )


def unread_count(user: User) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def review_owner(review_id: int) -> int | None:
    """The id of the review's author; None when the review is gone."""
    return Review.objects.filter(pk=review_id).values_list("user_id", flat=True).first()


def film_list_owner(film_list_id: int) -> tuple[int, bool] | None:
    """(owner id, public) of the list; None when the list is gone."""
    return FilmList.objects.filter(pk=film_list_id).values_list("owner_id", "public").first()


def comment_to_notify(comment_id: int) -> Comment | None:
    """The comment as it is now, unless it was deleted or hidden since it was written."""
    comment = Comment.objects.filter(pk=comment_id, hidden=False)
    return comment.only("id", "author_id", "review_id", "film_list_id").first()


def thread_participants(comment: Comment, *, leave_out: set[int]) -> list[int]:
    """The authors of the visible comments made before ``comment`` on the same review or list, each once, without
    the members in ``leave_out`` and without anyone on the other side of a block from the comment's author."""
    thread = Q(review_id=comment.review_id) if comment.review_id else Q(film_list_id=comment.film_list_id)
    authors = (
        Comment.objects.filter(thread, pk__lt=comment.pk, hidden=False)
        .exclude(author_id__in=leave_out)
        .exclude(author_id__in=Block.objects.filter(blocker_id=comment.author_id).values("blocked_id"))
        .exclude(author_id__in=Block.objects.filter(blocked_id=comment.author_id).values("blocker_id"))
    )
    return list(authors.order_by("author_id").values_list("author_id", flat=True).distinct())
