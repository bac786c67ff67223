"""Comment writes. Each keeps comment_count on the review or list exact (visible comments only) with a relative
update in the same transaction, and moves the cache generation on, since review reads show the count."""

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from comments.models import Comment
from core.caching import catalogue_changed
from follows.selectors import ensure_not_blocked
from lists.models import FilmList
from lists.services import list_locked
from reviews.models import Review
from reviews.services import review_locked


def _parent_owner_id(comment: Comment) -> int:
    if comment.review_id is not None:
        return Review.objects.values_list("user_id", flat=True).get(pk=comment.review_id)
    return FilmList.objects.values_list("owner_id", flat=True).get(pk=comment.film_list_id or 0)


def _count_change(comment: Comment, delta: int) -> None:
    if comment.review_id is not None:
        Review.objects.filter(pk=comment.review_id).update(comment_count=F("comment_count") + delta)
    else:
        FilmList.objects.filter(pk=comment.film_list_id or 0).update(comment_count=F("comment_count") + delta)
    catalogue_changed()


@transaction.atomic
def comment_create(
    *, author: User, body: str, review: Review | None = None, film_list: FilmList | None = None
) -> Comment:
    """A comment on ``review`` or on ``film_list`` (exactly one). Refused (Blocked, a 403) when the author and the
    owner of what they comment on are on either side of a block."""
    if (review is None) == (film_list is None):
        raise ValueError("A comment is on a review or on a list, not both and not neither.")
    ensure_not_blocked(author, review.user_id if review is not None else film_list.owner_id)  # type: ignore[union-attr]
    # What it is on may have been deleted since the request read it; locked, it stays until the comment is in.
    if review is not None:
        review_locked(review.pk)
    else:
        list_locked(film_list.pk)  # type: ignore[union-attr]
    comment = Comment.objects.create(author=author, review=review, film_list=film_list, body=body)
    _count_change(comment, +1)
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, body: str) -> Comment:
    """The author's edit. Refused (Blocked) once the owner of the review or list and the author are apart."""
    ensure_not_blocked(comment.author, _parent_owner_id(comment))
    if body != comment.body:
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at", "updated_at"])
    return comment


def _locked(comment: Comment) -> Comment | None:
    """The comment's row, locked for this transaction, as it is now (another request may have changed it)."""
    return Comment.objects.select_for_update().filter(pk=comment.pk).first()


@transaction.atomic
def comment_delete(*, comment: Comment) -> bool:
    """Delete ``comment``; False when it was gone already. A visible comment leaves the count."""
    current = _locked(comment)
    if current is None:
        return False
    current.delete()
    if not current.hidden:
        _count_change(current, -1)
    return True


def _hidden_set(comment: Comment, hidden: bool) -> bool:
    with transaction.atomic():
        current = _locked(comment)
        if current is None or current.hidden == hidden:
            return False
        current.hidden = hidden
        # Only this column: moderation is not an edit, so updated_at stays as the author left it.
        current.save(update_fields=["hidden"])
        _count_change(current, -1 if hidden else +1)
    comment.hidden = hidden
    return True


def comment_hide(*, comment: Comment) -> bool:
    """Moderation: take ``comment`` out of every public read and out of the count. False when it was hidden."""
    return _hidden_set(comment, True)


def comment_unhide(*, comment: Comment) -> bool:
    """Moderation: put a hidden comment back (and back in the count). False when it was not hidden."""
    return _hidden_set(comment, False)


@transaction.atomic
def user_comments_delete(*, user: User) -> None:
    """Delete all of ``user``'s comments, correcting the counts of the reviews and lists they were on (used when an
    account goes)."""
    visible = Comment.objects.filter(author=user, hidden=False).order_by()
    for model, field in ((Review, "review"), (FilmList, "film_list")):
        mine = visible.filter(**{field: OuterRef("pk")}).values(field).annotate(n=Count("pk")).values("n")
        model.objects.filter(pk__in=visible.values(f"{field}_id")).update(
            comment_count=F("comment_count") - Subquery(mine)
        )
    Comment.objects.filter(author=user).delete()
    catalogue_changed()
