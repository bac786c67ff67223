"""URLs, the writes that notify, and a snapshot of the notifications table, shared by the notifications tests."""

from comments.models import Comment
from lists.models import FilmList, ListLike
from notifications.models import Notification
from reviews.models import Review

NOTIFICATIONS_URL = "/api/notifications/"
READ_URL = "/api/notifications/read/"
HUGE_ID = 99999999999999999999  # Past any 64-bit integer.


def film_list(owner, *, public: bool = True, name: str = "Noir essentials") -> FilmList:
    return FilmList.objects.create(owner=owner, name=name, public=public)


def list_like(user, target: FilmList) -> ListLike:
    return ListLike.objects.create(user=user, film_list=target)


def comment(author, on: Review | FilmList, body: str = "Good one.") -> Comment:
    if isinstance(on, Review):
        return Comment.objects.create(author=author, review=on, body=body)
    return Comment.objects.create(author=author, film_list=on, body=body)


def received(user) -> list[tuple]:
    """(kind, actor id, review id, list id, comment id) of every notification ``user`` has, oldest first."""
    rows = Notification.objects.filter(recipient=user).order_by("id")
    return list(rows.values_list("kind", "actor_id", "review_id", "film_list_id", "comment_id"))


def recipients(**about) -> list[int]:
    return sorted(Notification.objects.filter(**about).values_list("recipient_id", flat=True))


def snapshot() -> list[tuple]:
    """Every notification as it is: what a rejected request must leave unchanged."""
    return list(Notification.objects.order_by("id").values_list("id", "recipient_id", "kind", "read_at"))


def unread_ids(user) -> list[int]:
    return sorted(Notification.objects.filter(recipient=user, read_at__isnull=True).values_list("id", flat=True))
