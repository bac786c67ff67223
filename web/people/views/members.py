"""A member's profile, their followers and whom they follow; following and blocking them."""

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import APIException

from accounts.models import User
from accounts.selectors import active_member
from activity.models import MovieLike
from activity.selectors import can_see, diary_of, marks_of, member_profile, member_stats, member_visible
from core.throttling import SocialWriteRateThrottle, ensure_within_rate
from follows import services as follow_services
from follows.selectors import (
    blocks_of,
    follow_counts,
    followee_ids,
    followers_of,
    following_of,
    is_blocked_between,
    is_following,
)
from lists.selectors import member_lists
from movies.selectors import SUMMARY_FIELDS
from recommendations.selectors.taste_profile import HIGH_RATING, taste_profile
from reviews.selectors import REVIEW_ROW_FIELDS, reviews_listed_for
from web.caching import cache_anonymous_page
from web.people.charts import taste_charts
from web.people.common import (
    Viewer,
    done,
    error_text,
    is_htmx,
    member_of,
    not_across_a_block,
    page_of,
    safe_next,
    viewer,
)

FAVOURITES = 6
RECENT = 5
PROFILE_LISTS = 4
TASTE_LIMIT = 5
PEOPLE_PER_PAGE = 50


@cache_anonymous_page
def profile(request: HttpRequest, username: str) -> HttpResponse:
    someone = viewer(request)
    member = member_profile(member_visible(username, someone), someone)
    context: dict[str, Any] = {"member": member, "section": "profile", **_block_state(member, someone)}
    if not (context["blocked_by_me"] or context["blocked_me"]):
        context.update(_profile_content(member, someone))
    return render(request, "web/people/profile.html", context)


def _block_state(member: User, someone: Viewer) -> dict[str, bool]:
    """Whether the viewer blocked the member, or the member blocked the viewer (one query when neither did)."""
    if not is_blocked_between(member.pk, someone.pk):
        return {"blocked_by_me": False, "blocked_me": False}
    mine = blocks_of(cast(User, someone)).filter(blocked_id=member.pk).exists()
    return {"blocked_by_me": mine, "blocked_me": not mine}


def _profile_content(member: User, someone: Viewer) -> dict[str, Any]:
    diary_visible = can_see(member, someone, "diary")
    reviews = reviews_listed_for(someone).filter(user_id=member.pk)
    lists = member_lists(someone).filter(owner_id=member.pk)
    movie_fields = [f"movie__{field}" for field in SUMMARY_FIELDS]
    return {
        "stats": member_stats(member, someone),
        "list_count": lists.count(),
        "favourites": _favourites(member, reviews.only(*REVIEW_ROW_FIELDS, "user__username", *movie_fields)),
        "diary_visible": diary_visible,
        "recent_diary": list(diary_of(member)[:RECENT]) if diary_visible else [],
        "recent_reviews": list(reviews.order_by("-created_at", "-id")[:RECENT]),
        "lists": list(lists.order_by("-updated_at", "-id")[:PROFILE_LISTS]),
        "taste": taste_charts(taste_profile(user=member, limit=TASTE_LIMIT), show_decades=diary_visible),
    }


def _favourites(member: User, reviews: Any) -> list[dict[str, Any]]:
    """The member's highest-rated films (4 stars and up), then the films they liked, at most FAVOURITES."""
    rated = reviews.filter(rating__gte=HIGH_RATING).order_by("-rating", "-created_at", "-id")[:FAVOURITES]
    films = [{"film": review.movie, "reason": f"Rated {review.rating:g} of 5"} for review in rated]
    seen = {film["film"].pk for film in films}
    for like in marks_of(MovieLike, member)[:FAVOURITES]:
        if len(films) < FAVOURITES and like.movie_id not in seen:
            films.append({"film": like.movie, "reason": "Liked"})
    return films


def followers(request: HttpRequest, username: str) -> HttpResponse:
    return _people(request, username, "followers")


def following(request: HttpRequest, username: str) -> HttpResponse:
    return _people(request, username, "following")


def _people(request: HttpRequest, username: str, section: str) -> HttpResponse:
    someone = viewer(request)
    member = not_across_a_block(member_visible(username, someone), someone)
    if section == "followers":
        page = page_of(request, followers_of(member, someone), PEOPLE_PER_PAGE)
        rows = [{"person": follow.follower, "since": follow.created_at} for follow in page]
    else:
        page = page_of(request, following_of(member, someone), PEOPLE_PER_PAGE)
        rows = [{"person": follow.followee, "since": follow.created_at} for follow in page]
    followed = _followed_among(someone, [row["person"].pk for row in rows])
    for row in rows:
        row["followed"] = row["person"].pk in followed
    context = {"member": member, "section": section, "page": page, "rows": rows}
    return render(request, "web/people/people.html", context)


def _followed_among(someone: Viewer, ids: list[int]) -> set[int]:
    """Which of the members ``ids`` the viewer follows (one query; none when nobody is logged in)."""
    if not someone.is_authenticated or not ids:
        return set()
    follows = followee_ids(someone).filter(followee_id__in=ids)
    return set(follows.values_list("followee_id", flat=True))


@login_required
@require_POST
def follow(request: HttpRequest, username: str) -> HttpResponse:
    """Follow (``action=follow``) or stop following (``action=unfollow``) the member, as PUT and DELETE
    /api/users/{username}/follow/ do. With htmx, the answer is the follow control, in place."""
    me, someone = member_of(request), active_member(username)
    wanted = request.POST.get("action") != "unfollow"
    try:
        ensure_within_rate(request, SocialWriteRateThrottle)
        if wanted:
            follow_services.follow_create(follower=me, followee=someone)
        else:
            follow_services.follow_delete(follower=me, followee=someone)
    except APIException as exc:
        message, error = error_text(exc), True
    else:
        message = f"You follow {someone.username}." if wanted else f"You no longer follow {someone.username}."
        error = False
    if not is_htmx(request):
        return done(request, reverse("web:profile", args=[someone.username]), message, error=error)
    context = {
        "person": someone,
        "next": safe_next(request, reverse("web:profile", args=[someone.username])),
        "followed": is_following(me, someone),
        "show_count": request.POST.get("show_count") == "1",
        "announce": message,
        "announce_error": error,
    }
    if context["show_count"]:
        context["follower_count"] = follow_counts(someone)["follower_count"]
    return render(request, "web/people/_follow.html", context)


@login_required
@require_POST
def block(request: HttpRequest, username: str) -> HttpResponse:
    """Block (``action=block``) or unblock (``action=unblock``) the member, as /api/users/{username}/block/."""
    me, someone = member_of(request), active_member(username)
    try:
        if request.POST.get("action") == "unblock":
            follow_services.block_delete(blocker=me, blocked=someone)
            message = f"You unblocked {someone.username}. Follows that the block ended do not come back."
        else:
            follow_services.block_create(blocker=me, blocked=someone)
            message = f"You blocked {someone.username}: neither of you can follow or interact with the other."
    except APIException as exc:
        return done(request, reverse("web:profile", args=[someone.username]), error_text(exc), error=True)
    return done(request, reverse("web:profile", args=[someone.username]), message)
