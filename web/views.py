"""The home page: what the site is for a visitor; for a member, their picks, their friends and their watchlist."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from activity.selectors import watchlist_of
from feed.selectors import feed_page
from recommendations.selectors.for_you import for_you
from recommendations.selectors.popular import top_rated, trending
from reviews.selectors import reviews_listed_for
from web.caching import cache_anonymous_page

SHELF = 12


@cache_anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "web/home_member.html", _member_home(request.user))
    return render(request, "web/home.html", _visitor_home(request))


def _visitor_home(request: HttpRequest) -> dict:
    return {
        "trending": trending(days=30, limit=SHELF),
        "top_rated": top_rated(limit=SHELF),
        "recent_reviews": _recent_reviews(request),
    }


def _member_home(user: User) -> dict:
    return {
        "for_you": for_you(user=user, limit=SHELF),
        "friends": feed_page(user, None, None, 8),
        "watchlist": list(watchlist_of(user).select_related("movie")[:6]),
        "trending": trending(days=30, limit=SHELF),
    }


def _recent_reviews(request: HttpRequest) -> list:
    rows = reviews_listed_for(request.user).select_related("user", "movie").exclude(body="")
    return list(rows.order_by("-created_at", "-id")[:6])
