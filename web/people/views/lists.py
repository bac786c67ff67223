"""Members' lists: a member's lists, a list's page with its films, likes and comments. A private list is a 404 to
everyone but its owner (admins included), and a list across a block is a 404, as in the API."""

import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import APIException

from activity.selectors import member_visible
from comments import services as comment_services
from comments.selectors import comment_visible, comments_listed, thing_owner_id
from core.throttling import CommentRateThrottle, SocialWriteRateThrottle, ensure_within_rate
from lists import services as list_services
from lists.models import FilmList
from lists.selectors import items_of, list_row, list_to_act_on, list_visible_row, member_lists
from web.people.common import (
    done,
    error_text,
    is_htmx,
    member_of,
    not_across_a_block,
    page_of,
    viewer,
)
from web.people.forms import CommentForm

LISTS_PER_PAGE = 30
ITEMS_PER_PAGE = 100
COMMENTS_PER_PAGE = 50


def member_lists_page(request: HttpRequest, username: str) -> HttpResponse:
    someone = viewer(request)
    member = not_across_a_block(member_visible(username, someone), someone)
    lists = member_lists(someone).filter(owner_id=member.pk).order_by("-updated_at", "-id")
    page = page_of(request, lists, LISTS_PER_PAGE)
    context = {"member": member, "section": "lists", "page": page, "lists": list(page)}
    return render(request, "web/people/lists.html", context)


def list_page(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = list_visible_row(pk, viewer(request))
    return render(request, "web/people/list.html", list_context(request, film_list))


def list_context(request: HttpRequest, film_list: FilmList, **extra: Any) -> dict[str, Any]:
    """What a list's page shows: the page of its films, its comments and the viewer's controls."""
    someone = viewer(request)
    comments = page_of(request, comments_listed(someone, film_list=film_list), COMMENTS_PER_PAGE, "comments")
    return {
        "film_list": film_list,
        "is_owner": someone.pk == film_list.owner_id,
        "can_delete": someone.pk == film_list.owner_id or bool(someone.is_authenticated and someone.is_staff),
        "comments_page": comments,
        "comment_form": CommentForm(),
        **items_context(request, film_list),
        **extra,
    }


def items_context(request: HttpRequest, film_list: FilmList) -> dict[str, Any]:
    """The page of the list's films that ``page`` names (from the query, or from the form that changed the list)."""
    pages = max(1, math.ceil(film_list.item_count / ITEMS_PER_PAGE))
    raw = request.POST.get("page") or request.GET.get("page") or "1"
    number = min(max(int(raw), 1), pages) if raw.isdigit() and len(raw) < 6 else 1
    start = (number - 1) * ITEMS_PER_PAGE
    items = list(items_of(film_list)[start : start + ITEMS_PER_PAGE])
    return {
        "items": items,
        "items_page": number,
        "items_pages": pages,
        "items_start": start + 1,
        "last_position": film_list.item_count,
    }


@login_required
@require_POST
def list_like(request: HttpRequest, pk: int) -> HttpResponse:
    """Like someone else's list (``action=like``) or take the like back (``action=unlike``), as
    PUT and DELETE /api/lists/{id}/like/. With htmx, the answer is the like control, in place."""
    me = member_of(request)
    film_list = list_to_act_on(pk, me)
    wanted = request.POST.get("action") != "unlike"
    try:
        ensure_within_rate(request, SocialWriteRateThrottle)
        if wanted:
            list_services.list_like(user=me, film_list=film_list)
        else:
            list_services.list_unlike(user=me, film_list=film_list)
    except APIException as exc:
        message, error = error_text(exc), True
    else:
        message, error = ("You like this list." if wanted else "You no longer like this list."), False
    if not is_htmx(request):
        return done(request, reverse("web:list", args=[film_list.pk]), message, error=error)
    context = {"film_list": list_row(film_list.pk, me), "announce": message, "announce_error": error}
    return render(request, "web/people/_list_like.html", context)


def _comment_wait(request: HttpRequest) -> int | None:
    """Seconds to wait when the member wrote too many comments lately (the API's limit); None when they may."""
    throttle = CommentRateThrottle()
    if throttle.allow_request(request, None):
        return None
    return int(throttle.wait() or 60) + 1


def _throttled(request: HttpRequest, film_list: FilmList, wait: int) -> HttpResponse:
    message = f"You are commenting too fast: please wait {wait} seconds and try again."
    if is_htmx(request):
        return _comments_partial(request, film_list, message, error=True)
    response = render(request, "web/people/throttled.html", {"wait": wait, "film_list": film_list}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _comments_partial(
    request: HttpRequest,
    film_list: FilmList,
    message: str,
    *,
    error: bool = False,
    form: CommentForm | None = None,
    last: bool = False,
) -> HttpResponse:
    """The comments again (``last``: their last page, where a new one is), with the news for the live region."""
    someone = viewer(request)
    row = list_row(film_list.pk, someone)
    comments = page_of(request, comments_listed(someone, film_list=row), COMMENTS_PER_PAGE, "comments", last=last)
    context = {
        "film_list": row,
        "comments_page": comments,
        "comment_form": form or CommentForm(),
        "announce": message,
        "announce_error": error,
    }
    return render(request, "web/people/_comments.html", context)


@login_required
@require_POST
def list_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on a list, as POST /api/lists/{id}/comments/ (and throttled as it is)."""
    me = member_of(request)
    film_list = list_to_act_on(pk, me)
    wait = _comment_wait(request)
    if wait is not None:
        return _throttled(request, film_list, wait)
    form = CommentForm(request.POST)
    back = reverse("web:list", args=[film_list.pk]) + "#comments"
    if form.is_valid():
        try:
            comment_services.comment_create(author=me, body=form.validated["body"], film_list=film_list)
        except APIException as exc:
            if not is_htmx(request):
                return done(request, back, error_text(exc), error=True)
            form.add_error(None, error_text(exc))
    if is_htmx(request):
        ok = not form.errors
        message = "Your comment is posted." if ok else "Your comment was not posted: see the form."
        return _comments_partial(request, film_list, message, error=not ok, form=None if ok else form, last=ok)
    if form.errors:
        context = list_context(request, list_visible_row(film_list.pk, me), comment_form=form)
        return render(request, "web/people/list.html", context, status=400)
    pages = page_of(request, comments_listed(me, film_list=film_list), COMMENTS_PER_PAGE, last=True)
    where = f"?comments={pages.number}#comments" if pages.number > 1 else "#comments"
    return done(request, reverse("web:list", args=[film_list.pk]) + where, "Your comment is posted.")


@login_required
@require_POST
def list_comment_delete(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    """Delete a comment on a list: its author, the list's owner and admins may, as DELETE /api/comments/{id}/."""
    me = member_of(request)
    comment = comment_visible(comment_id, me)
    if comment.film_list_id != pk or comment.film_list is None:
        raise Http404("No such comment on this list.")
    if not (me.is_staff or thing_owner_id(comment) == me.pk or comment.author_id == me.pk):
        raise PermissionDenied("Only its author, the list's owner and admins delete a comment.")
    wait = _comment_wait(request)
    if wait is not None:
        return _throttled(request, comment.film_list, wait)
    comment_services.comment_delete(comment=comment)
    if is_htmx(request):
        return _comments_partial(request, comment.film_list, "The comment is deleted.")
    return done(request, reverse("web:list", args=[pk]) + "#comments", "The comment is deleted.")
