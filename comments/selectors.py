"""Comment reads. A comment is seen only where what it is on is seen: a hidden review by its author and admins,
a private list by its owner. Hidden comments and those by members on the other side of a block from the viewer are
left out of every list; by id, a hidden comment is a 404 to everyone but its author and admins."""

from django.db.models import Q, QuerySet
from django.http import Http404

from comments.models import Comment
from core.filters import BIGINT_MAX
from follows.selectors import Viewer, without_blocked
from lists.selectors import lists_visible_to
from reviews.selectors import reviews_visible_to

COMMENT_ROW_FIELDS = (
    "id",
    "author_id",
    "review_id",
    "film_list_id",
    "body",
    "hidden",
    "edited_at",
    "created_at",
    "updated_at",
)


def _rows() -> QuerySet[Comment]:
    return Comment.objects.select_related("author").only(*COMMENT_ROW_FIELDS, "author__username")


def comments_listed(viewer: Viewer, **on: object) -> QuerySet[Comment]:
    """The visible comments on one review or list (``review=...`` or ``film_list=...``), oldest first, without those
    by members on the other side of a block from ``viewer``. The caller has checked that the viewer sees the thing."""
    comments = _rows().filter(hidden=False, **on).order_by("created_at", "id")
    return without_blocked(comments, viewer, "author")


def comment_visible(comment_id: int, viewer: Viewer) -> Comment:
    """The comment if ``viewer`` may see it; otherwise a 404, whatever the reason (unknown, hidden, on something
    the viewer may not see, or by a member on the other side of a block)."""
    if not 0 < comment_id <= BIGINT_MAX:
        raise Http404("No such comment.")
    comments = Comment.objects.select_related("author", "review", "film_list").filter(pk=comment_id)
    if not viewer.is_authenticated:
        comments = comments.filter(hidden=False)
    elif not viewer.is_staff:
        comments = comments.filter(Q(hidden=False) | Q(author_id=viewer.pk))
    on_something_seen = Q(review__in=reviews_visible_to(viewer).values("pk")) | Q(
        film_list__in=lists_visible_to(viewer).values("pk")
    )
    comment = without_blocked(comments.filter(on_something_seen), viewer, "author").first()
    if comment is None:
        raise Http404("No such comment.")
    return comment


def thing_owner_id(comment: Comment) -> int:
    """Who owns what ``comment`` is on (the review's author or the list's owner); loaded with comment_visible."""
    if comment.review is not None:
        return comment.review.user_id
    assert comment.film_list is not None
    return comment.film_list.owner_id
