"""Members' pages: profile, diary, watchlist, lists, followers; the feed and notifications."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from activity.selectors import member_visible


def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = member_visible(username, request.user)
    return render(request, "web/people/profile.html", {"member": member})


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    return render(request, "web/people/feed.html", {})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return render(request, "web/people/notifications.html", {})
