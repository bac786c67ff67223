"""The home page: what the site is for a visitor; for a member, their picks, their friends and their watchlist."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from activity.selectors import watchlist_of
from feed.selectors import feed_page
from recommendations.selectors.for_you import for_you
from recommendations.selectors.popular import HOME_TRENDING_DAYS, top_rated, trending
from reviews.selectors import newest_written_reviews
from web.caching import cache_anonymous_page

SHELF = 12


@cache_anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "web/home_member.html", _member_home(request.user))
    return render(request, "web/home.html", _visitor_home(request))


def _visitor_home(request: HttpRequest) -> dict:
    return {
        "trending": trending(days=HOME_TRENDING_DAYS, limit=SHELF),
        "top_rated": top_rated(limit=SHELF),
        "recent_reviews": newest_written_reviews(request.user, limit=6),
    }


def _member_home(user: User) -> dict:
    return {
        "for_you": for_you(user=user, limit=SHELF),
        "friends": feed_page(user, None, None, 8),
        "watchlist": list(watchlist_of(user).select_related("movie")[:6]),
        "trending": trending(days=HOME_TRENDING_DAYS, limit=SHELF),
    }
