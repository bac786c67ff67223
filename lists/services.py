"""List writes.

Every item write runs in one transaction that first locks the list's row: writes to one list take turns, so the
positions stay 1..n without gaps and item_count stays exact however many arrive at once. Positions move with
set-based UPDATEs (one statement shifts every item between the old place and the new one).
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError

from accounts.models import User
from follows.selectors import ensure_not_blocked
from lists.models import MAX_ITEMS, FilmList, ListItem, ListLike
from movies.models import Movie

OWN_LIST_LIKE_MESSAGE = "You cannot like your own list."
NOT_OWNER_MESSAGE = "Only the list's owner can change it."


class DuplicateMovie(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "This film is already in the list: move it by setting its position instead."
    default_code = "duplicate_movie"


class ListFull(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = f"A list holds at most {MAX_ITEMS} films."
    default_code = "list_full"


def ensure_can_change(film_list: FilmList, user: User, *, deleting: bool = False) -> None:
    """The owner changes their list; an admin may delete a list they can see; anyone else gets a 403 ("blocked"
    when a block stands between them and the owner)."""
    if film_list.owner_id == user.pk or (deleting and user.is_staff):
        return
    ensure_not_blocked(user, film_list.owner_id)
    raise PermissionDenied(NOT_OWNER_MESSAGE)


def list_create(
    *, owner: User, name: str, description: str = "", ranked: bool = False, public: bool = True
) -> FilmList:
    return FilmList.objects.create(owner=owner, name=name, description=description, ranked=ranked, public=public)


def list_update(*, film_list: FilmList, **fields: Any) -> FilmList:
    for name, value in fields.items():
        setattr(film_list, name, value)
    film_list.save(update_fields=[*fields, "updated_at"])
    return film_list


@transaction.atomic
def list_delete(*, film_list: FilmList) -> None:
    # Locked before Django collects the items, likes and comments to delete with it, as every write of those locks
    # the list first: one under way is either collected or refused, never left pointing at a deleted list.
    list_locked(film_list.pk).delete()


def list_like(*, user: User, film_list: FilmList) -> bool:
    """Like someone else's list; False when the user already did (nothing changes then)."""
    if film_list.owner_id == user.pk:
        raise ValidationError({"list": [OWN_LIST_LIKE_MESSAGE]}, code="own_list")
    ensure_not_blocked(user, film_list.owner_id)
    with transaction.atomic():
        list_locked(film_list.pk)
        _, created = ListLike.objects.get_or_create(user=user, film_list=film_list)
        if created:
            FilmList.objects.filter(pk=film_list.pk).update(like_count=F("like_count") + 1)
    return created


@transaction.atomic
def list_unlike(*, user: User, film_list: FilmList) -> bool:
    """Take back a like; False when there was none."""
    deleted, _ = ListLike.objects.filter(user=user, film_list=film_list).delete()
    if deleted:
        FilmList.objects.filter(pk=film_list.pk).update(like_count=F("like_count") - 1)
    return bool(deleted)


@transaction.atomic
def user_list_likes_delete(*, user: User) -> None:
    """Take back every like the user gave (their account is going), keeping the lists' like_count exact."""
    liked = ListLike.objects.filter(user=user)
    FilmList.objects.filter(pk__in=liked.values("film_list_id")).update(like_count=F("like_count") - 1)
    liked.delete()


# --- Items ---------------------------------------------------------------------------------------


@transaction.atomic
def item_add(*, film_list: FilmList, movie: Movie, note: str = "", position: int | None = None) -> ListItem:
    """Put the film at ``position`` (1..n+1; default: last), moving the items from there on down by one."""
    locked = list_locked(film_list.pk)
    if ListItem.objects.filter(film_list_id=locked.pk, movie_id=movie.pk).exists():
        raise DuplicateMovie()
    if locked.item_count >= MAX_ITEMS:
        raise ListFull()
    last = locked.item_count + 1
    position = last if position is None else _in_range(position, last)
    _items(locked).filter(position__gte=position).update(position=F("position") + 1)
    try:
        with transaction.atomic():
            item = ListItem.objects.create(film_list_id=locked.pk, movie=movie, note=note, position=position)
    except IntegrityError:  # Only the unique (list, movie) pair can fail: the list row is locked.
        raise DuplicateMovie() from None
    _changed(locked, +1)
    return item


@transaction.atomic
def item_update(*, item: ListItem, position: int | None = None, note: str | None = None) -> ListItem:
    """Move the item to ``position`` (1..n), shifting the ones in between by one, and/or change its note."""
    locked = list_locked(item.film_list_id)
    current = _current(locked, item)
    fields = []
    if position is not None:
        position = _in_range(position, locked.item_count)
        if position < current.position:
            between = _items(locked).filter(position__gte=position, position__lt=current.position)
            between.update(position=F("position") + 1)
        elif position > current.position:
            between = _items(locked).filter(position__gt=current.position, position__lte=position)
            between.update(position=F("position") - 1)
        current.position = position
        fields.append("position")
    if note is not None:
        current.note = note
        fields.append("note")
    if fields:
        current.save(update_fields=fields)
        _changed(locked, 0)
    item.position, item.note = current.position, current.note
    return item


@transaction.atomic
def item_delete(*, item: ListItem) -> None:
    """Take the item out; the ones after it move up by one."""
    locked = list_locked(item.film_list_id)
    current = _current(locked, item)
    ListItem.objects.filter(pk=current.pk).delete()
    _items(locked).filter(position__gt=current.position).update(position=F("position") - 1)
    _changed(locked, -1)


@transaction.atomic
def movie_leaving_lists(*, movie_id: int) -> None:
    """Take a film that is being deleted out of every list, closing the gap it leaves and counting it out.

    The lists are locked first, as every item write locks them; the loop catches a list that received the film
    while the first lists were being locked.
    """
    while True:
        holding = ListItem.objects.filter(movie_id=movie_id).values("film_list_id")
        locked = FilmList.objects.select_for_update().filter(pk__in=holding).order_by("pk")
        list_ids = list(locked.values_list("pk", flat=True))
        if not list_ids:
            return
        its_place = ListItem.objects.filter(film_list_id=OuterRef("film_list_id"), movie_id=movie_id)
        after = ListItem.objects.filter(film_list_id__in=list_ids, position__gt=Subquery(its_place.values("position")))
        after.update(position=F("position") - 1)
        ListItem.objects.filter(film_list_id__in=list_ids, movie_id=movie_id).delete()
        FilmList.objects.filter(pk__in=list_ids).update(item_count=F("item_count") - 1)


def list_locked(list_id: int) -> FilmList:
    """The list's row, locked until the transaction ends; Http404 when it was deleted after the request read it."""
    film_list = FilmList.objects.select_for_update().filter(pk=list_id).only("pk", "owner_id", "item_count").first()
    if film_list is None:  # Deleted while the request was on its way.
        raise Http404("No such list.")
    return film_list


def _current(locked: FilmList, item: ListItem) -> ListItem:
    """The item as it is now that the list is locked (another request may have moved or removed it)."""
    current = _items(locked).filter(pk=item.pk).only("pk", "position", "note").first()
    if current is None:
        raise Http404("No such item in this list.")
    return current


def _items(film_list: FilmList) -> QuerySet[ListItem]:
    return ListItem.objects.filter(film_list_id=film_list.pk)


def _in_range(position: int, last: int) -> int:
    if not 1 <= position <= last:
        raise ValidationError({"position": [f"Must be between 1 and {last} for this list."]})
    return position


def _changed(film_list: FilmList, delta: int) -> None:
    """The list's item_count moved by ``delta``; its items changed, so its updated_at moves on."""
    FilmList.objects.filter(pk=film_list.pk).update(item_count=F("item_count") + delta, updated_at=timezone.now())
