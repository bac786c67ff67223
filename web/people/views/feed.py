"""The activity of the members you follow, newest first, a page at a time by cursor (as /api/feed/): activity that
arrives meanwhile never shifts a page."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.exceptions import ValidationError

from core.pagination import KeysetPagination
from feed.models import EventKind
from feed.selectors import feed_page
from web.people.common import is_htmx, member_of

FEED_PAGE = 20
KIND_LABELS = {
    EventKind.REVIEW: "Reviews",
    EventKind.DIARY_ENTRY: "Diary entries",
    EventKind.LIST: "New lists",
    EventKind.REVIEW_LIKE: "Liked reviews",
}


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    problems = []
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in EventKind.values:
        problems.append("There is no such kind of activity: showing all of it.")
        kind = None
    try:
        position = KeysetPagination.decode_cursor(request.GET.get("cursor") or None)
    except ValidationError:
        problems.append("That link to older activity is not valid: showing the newest.")
        position = None
    entries = feed_page(member_of(request), kind, position, FEED_PAGE + 1)
    context: dict[str, Any] = {
        "entries": [(where, item) for where, item in entries[:FEED_PAGE] if item is not None],
        "next_cursor": KeysetPagination.encode_cursor(entries[FEED_PAGE - 1][0]) if len(entries) > FEED_PAGE else None,
        "kind": kind,
        "kinds": list(KIND_LABELS.items()),
        "problems": problems,
        "older_page": position is not None,
    }
    if is_htmx(request) and position is not None and not problems:
        return render(request, "web/people/_feed_page.html", context)
    return render(request, "web/people/feed.html", context, status=400 if problems else 200)
