"""URLs, a fixed clock and a snapshot of every activity table, shared by the activity tests."""

import datetime

from django.utils import timezone

from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from movies.models import Movie
from reviews.models import Review, ReviewLike

DIARY_URL = "/api/diary/"
WATCHLIST_URL = "/api/watchlist/"
DISMISSED_URL = "/api/recommendations/dismissed/"
ME_URL = "/api/users/me/"
HUGE_ID = "99999999999999999999"  # Past any 64-bit integer.


def entry_url(entry_id) -> str:
    return f"{DIARY_URL}{entry_id}/"


def watchlist_entry_url(movie_id) -> str:
    return f"{WATCHLIST_URL}{movie_id}/"


def watched_url(movie_id) -> str:
    return f"/api/movies/{movie_id}/watched/"


def movie_like_url(movie_id) -> str:
    return f"/api/movies/{movie_id}/like/"


def dismissal_url(movie_id) -> str:
    return f"{DISMISSED_URL}{movie_id}/"


def review_like_url(review_id) -> str:
    return f"/api/reviews/{review_id}/like/"


def member_diary_url(username: str) -> str:
    return f"/api/users/{username}/diary/"


def member_watchlist_url(username: str) -> str:
    return f"/api/users/{username}/watchlist/"


def profile_url(username: str) -> str:
    return f"/api/users/{username}/"


MARK_URLS = {
    WatchedMark: watched_url,
    WatchlistEntry: watchlist_entry_url,
    MovieLike: movie_like_url,
    Dismissal: dismissal_url,
}


def freeze_now(monkeypatch, moment: datetime.datetime) -> None:
    """Make django.utils.timezone.now() return ``moment`` (what "today" and auto_now fields read)."""
    assert moment.tzinfo is not None
    monkeypatch.setattr(timezone, "now", lambda: moment)


def snapshot() -> dict:
    """Everything a rejected activity request must leave as it was."""
    return {
        "diary": sorted(
            DiaryEntry.objects.values_list("pk", "user_id", "movie_id", "watched_on", "rewatch", "rating", "review_id")
        ),
        "reviews": sorted(Review.objects.values_list("pk", "user_id", "movie_id", "rating", "body", "like_count")),
        "review_likes": sorted(ReviewLike.objects.values_list("user_id", "review_id")),
        "movies": sorted(Movie.objects.values_list("pk", "avg_rating", "review_count", "like_count")),
        **{
            model.__name__: sorted(model.objects.values_list("user_id", "movie_id"))
            for model in (WatchedMark, WatchlistEntry, MovieLike, Dismissal)
        },
    }


def result_ids(response, key: str = "id") -> list:
    return [row[key] for row in response.json()["results"]]


def movie_ids(response) -> list[int]:
    return [row["movie"]["id"] for row in response.json()["results"]]
