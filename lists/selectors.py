"""List reads. A private list exists only for its owner: to everyone else it is a 404."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value
from django.http import Http404

from accounts.models import User
from core.filters import BIGINT_MAX
from follows.selectors import without_blocked
from lists.models import FilmList, ListItem, ListLike
from movies.models import Movie
from movies.selectors import SUMMARY_FIELDS, with_genre_summaries

Viewer = User | AnonymousUser
ITEM_FIELDS = ("id", "film_list_id", "movie_id", "note", "position", "created_at")
MOVIE_SUMMARY = tuple(f"movie__{field}" for field in SUMMARY_FIELDS)
# What others see: public lists of members whose accounts are active (a deactivated member's lists go with them).
SHOWN = Q(public=True, owner__is_active=True)


def lists_visible_to(viewer: Viewer) -> QuerySet[FilmList]:
    """The lists ``viewer`` may see: public ones of active members (not of members on the other side of a block) and
    their own."""
    if not viewer.is_authenticated:
        return FilmList.objects.filter(SHOWN)
    visible = FilmList.objects.filter(SHOWN | Q(owner_id=viewer.pk))
    return without_blocked(visible, viewer, "owner")


def list_visible(list_id: int, viewer: Viewer) -> FilmList:
    """The list if ``viewer`` may see it; otherwise a 404, whether it is private or does not exist."""
    film_list = lists_visible_to(viewer).filter(pk=list_id).first() if list_id <= BIGINT_MAX else None
    if film_list is None:
        raise Http404("No such list.")
    return film_list


def list_to_act_on(list_id: int, viewer: Viewer) -> FilmList:
    """The list ``viewer`` wants to change or like: any public list or their own, blocks aside (a write on the
    other side of a block is a 403 "blocked", not a 404); a private list of someone else is a 404."""
    if list_id > BIGINT_MAX:
        raise Http404("No such list.")
    reachable = SHOWN | Q(owner_id=viewer.pk) if viewer.is_authenticated else SHOWN
    film_list = FilmList.objects.filter(reachable, pk=list_id).first()
    if film_list is None:
        raise Http404("No such list.")
    return film_list


def with_list_fields(lists: QuerySet[FilmList], viewer: Viewer) -> QuerySet[FilmList]:
    """The lists with what FilmListSerializer shows: the owner's name and whether the viewer liked each one, read
    in the same statement."""
    liked: Exists | Value
    if viewer.is_authenticated:
        liked = Exists(ListLike.objects.filter(film_list_id=OuterRef("pk"), user_id=viewer.pk))
    else:
        liked = Value(False, output_field=BooleanField())
    return lists.annotate(owner_username=F("owner__username"), liked=liked)


def own_lists(viewer: User) -> QuerySet[FilmList]:
    return with_list_fields(FilmList.objects.filter(owner_id=viewer.pk), viewer)


def member_lists(viewer: Viewer) -> QuerySet[FilmList]:
    """Every list the viewer may see; the ``user`` filter narrows it to one member's."""
    return with_list_fields(lists_visible_to(viewer), viewer)


def list_visible_row(list_id: int, viewer: Viewer) -> FilmList:
    """As list_visible, with what FilmListSerializer shows."""
    film_list = member_lists(viewer).filter(pk=list_id).first() if list_id <= BIGINT_MAX else None
    if film_list is None:
        raise Http404("No such list.")
    return film_list


def list_row(list_id: int, viewer: Viewer) -> FilmList:
    return with_list_fields(FilmList.objects.filter(pk=list_id), viewer).get()


def lists_with_movie(movie_id: int, viewer: Viewer) -> QuerySet[FilmList]:
    """The public lists that hold the film, most liked first; a 404 for an unknown film."""
    if movie_id > BIGINT_MAX or not Movie.objects.filter(pk=movie_id).exists():
        raise Http404("No Movie matches the given query.")
    holding = ListItem.objects.filter(movie_id=movie_id).values("film_list_id")
    lists = lists_visible_to(viewer).filter(public=True, pk__in=holding)
    return with_list_fields(lists, viewer).order_by("-like_count", "-updated_at", "-id")


def items_of(film_list: FilmList) -> QuerySet[ListItem]:
    """The list's items in order, each with its film's summary (genres: with_item_genres, once per page)."""
    items = ListItem.objects.filter(film_list_id=film_list.pk).select_related("movie")
    return items.only(*ITEM_FIELDS, *MOVIE_SUMMARY).order_by("position", "id")


def item_in_list(film_list: FilmList, item_id: int) -> ListItem:
    """An item of this list; an item of another list is a 404 here, as an unknown one is."""
    item = items_of(film_list).filter(pk=item_id).first() if item_id <= BIGINT_MAX else None
    if item is None:
        raise Http404("No such item in this list.")
    return item


def with_item_genres(items: list[ListItem]) -> list[ListItem]:
    with_genre_summaries(item.movie for item in items)
    return items


def list_like_count_now(list_id: int) -> int:
    """The list's like count as it is now, just after this request liked it: Http404 if its owner deleted it the
    moment the like committed (the like went with it)."""
    value = FilmList.objects.filter(pk=list_id).values_list("like_count", flat=True).first()
    if value is None:
        raise Http404("No such list.")
    return value
