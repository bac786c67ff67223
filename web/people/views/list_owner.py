"""A list's owner at work: make a list, rename and describe it, delete it, add films, move them, note them, take
them out. The same services and rules as /api/lists/ (an admin may delete a list they can see, nothing else)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import APIException

from lists import services as list_services
from lists.models import FilmList
from lists.selectors import item_in_list, list_row, list_to_act_on
from movies.models import Movie
from movies.selectors import SEARCH_MAX_LENGTH, movie_summary_rows, search_movies
from web.people.common import done, error_text, is_htmx, member_of
from web.people.forms import AddItemForm, ItemForm, ListForm
from web.people.views.lists import items_context

SEARCH_RESULTS = 20


def owned_list(request: HttpRequest, pk: int, *, deleting: bool = False) -> FilmList:
    """The list, if the member may change it (or, ``deleting``, delete it); a 404 when they may not see it, a 403
    when they see it but it is not theirs."""
    me = member_of(request)
    film_list = list_to_act_on(pk, me)
    try:
        list_services.ensure_can_change(film_list, me, deleting=deleting)
    except APIException as exc:
        raise PermissionDenied(error_text(exc)) from None
    return film_list


@login_required
def list_new(request: HttpRequest) -> HttpResponse:
    me = member_of(request)
    form = ListForm(request.POST or None, initial={"public": True})
    if request.method == "POST" and form.is_valid():
        film_list = list_services.list_create(owner=me, **form.validated)
        return done(request, reverse("web:list", args=[film_list.pk]), f"Your list {film_list.name} is made.")
    context = {"form": form, "title": "A new list"}
    return render(request, "web/people/list_form.html", context, status=400 if form.errors else 200)


@login_required
def list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = owned_list(request, pk)
    initial = {name: getattr(film_list, name) for name in ("name", "description", "ranked", "public")}
    form = ListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        list_services.list_update(film_list=film_list, **form.validated)
        return done(request, reverse("web:list", args=[film_list.pk]), "Your list is saved.")
    context = {"form": form, "film_list": film_list, "title": f"Edit {film_list.name}"}
    return render(request, "web/people/list_form.html", context, status=400 if form.errors else 200)


@login_required
def list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes (the owner, or an admin)."""
    film_list = owned_list(request, pk, deleting=True)
    if request.method != "POST":
        return render(request, "web/people/list_delete.html", {"film_list": film_list})
    owner = film_list.owner.username
    list_services.list_delete(film_list=film_list)
    return done(request, reverse("web:lists", args=[owner]), f"The list {film_list.name} is deleted.")


def _search(query: str) -> list[Movie]:
    """The catalogue's search, best match first (the API's ``search`` filter)."""
    if not query.strip():
        return []
    return list(search_movies(movie_summary_rows(), query.strip()[:SEARCH_MAX_LENGTH])[:SEARCH_RESULTS])


@login_required
def list_add(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: search the catalogue for films to add (with htmx, only the results); POST ``movie``: add it at the
    end, as POST /api/lists/{id}/items/ does."""
    film_list = owned_list(request, pk)
    if request.method == "POST":
        return _add(request, film_list)
    query = request.GET.get("search", "")
    context = {"film_list": film_list, "query": query, "results": _search(query), "searched": bool(query.strip())}
    template = "web/people/_add_results.html" if is_htmx(request) else "web/people/list_add.html"
    return render(request, template, context)


def _add(request: HttpRequest, film_list: FilmList) -> HttpResponse:
    form = AddItemForm(request.POST)
    message, error = "", True
    if form.is_valid():
        movie = form.validated["movie"]
        try:
            list_services.item_add(film_list=film_list, movie=movie)
        except APIException as exc:
            message = error_text(exc)
        else:
            title = Movie.objects.values_list("title", flat=True).get(pk=movie.pk)
            message, error = f"{title} is added to the list.", False
    else:
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
    return _items_changed(request, film_list, message, error=error)


def _items_changed(
    request: HttpRequest, film_list: FilmList, message: str, *, error: bool = False, **extra: Any
) -> HttpResponse:
    """After a change to the list's films: with htmx, the films again (and the news in the live region); without,
    back to the list with a message."""
    if not is_htmx(request):
        return done(request, reverse("web:list", args=[film_list.pk]), message, error=error)
    row = list_row(film_list.pk, member_of(request))
    context = {"film_list": row, "is_owner": True, "announce": message, "announce_error": error, **extra}
    return render(request, "web/people/_list_items_changed.html", {**context, **items_context(request, row)})


@login_required
@require_POST
def list_item(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Move a film (``position``: the films in between shift by one) and/or change its note, as PATCH
    /api/lists/{id}/items/{item_id}/."""
    film_list = owned_list(request, pk)
    item = item_in_list(film_list, item_id)
    before = item.position
    form = ItemForm(request.POST)
    if not form.is_valid() or not form.validated:
        text = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return _items_changed(request, film_list, text or "Nothing to change.", error=True)
    try:
        list_services.item_update(item=item, **form.validated)
    except APIException as exc:
        return _items_changed(request, film_list, error_text(exc), error=True)
    title = item.movie.title
    if "position" in form.validated and item.position != before:
        message = f"{title} moved to position {item.position} of {film_list.item_count}."
    else:
        message = f"The note on {title} is saved." if "note" in form.validated else f"{title} stays where it is."
    focus_to = _focus_to("position" in form.validated, item.position, before, film_list.item_count)
    return _items_changed(request, film_list, message, focus_item=item.pk, focus_to=focus_to)


def _focus_to(moved: bool, position: int, before: int, last: int) -> str:
    """After a change in place, the film's control the focus goes back to: the button pressed, or the other one
    when that one is now disabled (at the top or the bottom of the list)."""
    if not moved:
        return "note"
    if position < before:
        return "up" if position > 1 else "down"
    return "down" if position < last else "up"


@login_required
@require_POST
def list_item_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    film_list = owned_list(request, pk)
    item = item_in_list(film_list, item_id)
    list_services.item_delete(item=item)
    return _items_changed(request, film_list, f"{item.movie.title} is out of the list.", focus_region=True)
