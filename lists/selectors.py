"""List reads. A private list exists only for its owner: to everyone else it is a 404."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from follows.selectors import without_blocked
from lists.models import FilmList


def lists_visible_to(viewer: User | AnonymousUser) -> QuerySet[FilmList]:
    """The lists ``viewer`` may see: public ones (not of members on the other side of a block) and their own."""
    if not viewer.is_authenticated:
        return FilmList.objects.filter(public=True)
    visible = FilmList.objects.filter(Q(public=True) | Q(owner_id=viewer.pk))
    return without_blocked(visible, viewer, "owner")


def list_visible(list_id: int, viewer: User | AnonymousUser) -> FilmList:
    """The list if ``viewer`` may see it; otherwise a 404, whether it is private or does not exist."""
    film_list = lists_visible_to(viewer).filter(pk=list_id).first()
    if film_list is None:
        raise Http404("No such list.")
    return film_list
