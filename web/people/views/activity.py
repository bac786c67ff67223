"""A member's diary, month by month, and their watchlist. A private one is a 404 to everyone but its owner, as in
the API (/api/users/{username}/diary/ and /watchlist/)."""

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from activity import services as activity_services
from activity.filters import DiaryFilter
from activity.models import WatchlistEntry
from activity.selectors import diary_of, member_visible, watchlist_of, with_watched_flags
from core.filters import BIGINT_MAX
from movies.models import Movie
from web.people.common import done, is_htmx, member_of, not_across_a_block, page_of, viewer
from web.people.forms import MonthForm

DIARY_PER_PAGE = 50
WATCHLIST_PER_PAGE = 60


def diary(request: HttpRequest, username: str) -> HttpResponse:
    someone = viewer(request)
    member = not_across_a_block(member_visible(username, someone, "diary"), someone)
    form = MonthForm(request.GET or None)
    month = form.cleaned_data["month"] if form.is_valid() else None
    entries = diary_of(member)
    months = list(entries.order_by().dates("watched_on", "month", order="DESC"))
    context: dict[str, Any] = {"member": member, "section": "diary", "form": form, "months": months}
    if month is not None:
        year, number = month
        chosen = DiaryFilter({"year": year, "month": number}, queryset=entries).qs
        context.update(_month_context(datetime.date(year, number, 1), months, list(chosen)))
    else:
        page = page_of(request, entries, DIARY_PER_PAGE)
        context.update({"page": page, "entries": list(page)})
    return render(request, "web/people/diary.html", context, status=400 if form.errors else 200)


def _month_context(month: datetime.date, months: list[datetime.date], entries: list[Any]) -> dict[str, Any]:
    """The month's entries, with the months before and after it that have entries (``months`` is newest first)."""
    older = next((other for other in months if other < month), None)
    newer = next((other for other in reversed(months) if other > month), None)
    return {"month": month, "entries": entries, "older_month": older, "newer_month": newer}


def watchlist(request: HttpRequest, username: str) -> HttpResponse:
    someone = viewer(request)
    member = not_across_a_block(member_visible(username, someone, "watchlist"), someone)
    page = page_of(request, watchlist_of(member), WATCHLIST_PER_PAGE)
    entries = with_watched_flags(member, list(page))
    context = {"member": member, "section": "watchlist", "page": page, "entries": entries}
    return render(request, "web/people/watchlist.html", context)


@login_required
@require_POST
def watchlist_remove(request: HttpRequest, movie_id: int) -> HttpResponse:
    """Take a film off your watchlist, as DELETE /api/watchlist/{movie_id}/. With htmx, the film's card gives way to a
    note that says so."""
    me = member_of(request)
    if movie_id > BIGINT_MAX:
        raise Http404("No such film.")
    movie = get_object_or_404(Movie.objects.only("pk", "title"), pk=movie_id)
    activity_services.movie_unmark(model=WatchlistEntry, user=me, movie=movie)
    message = f"{movie.title} is off your watchlist."
    if is_htmx(request):
        return render(request, "web/people/_watchlist_removed.html", {"movie": movie, "message": message})
    return done(request, reverse("web:watchlist", args=[me.username]), message)
