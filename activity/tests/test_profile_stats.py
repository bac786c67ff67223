"""Profile ``stats`` and the settings behind them: diary_public, watchlist_public and time_zone on /api/users/me/."""

import datetime

import pytest
from rest_framework.test import APIClient

from activity import services
from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from activity.tests.utils import ME_URL, freeze_now, profile_url, snapshot
from conftest import authenticated_client
from movies.tests.helpers import assert_error
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def stats_of(user, client=None) -> dict:
    response = (client or APIClient()).get(profile_url(user.username))
    assert response.status_code == 200, response.content
    return response.json()["stats"]


def test_a_new_member_has_zero_everywhere(user):
    assert stats_of(user) == {
        "films_watched": 0,
        "films_this_year": 0,
        "diary_entries": 0,
        "reviews": 0,
        "likes": 0,
        "watchlist": 0,
    }


def test_films_watched_counts_each_film_once_over_marks_diary_and_reviews(user):
    marked_only, logged_only, reviewed_only, all_three, logged_twice = MovieFactory.create_batch(5)
    for movie in (marked_only, all_three):
        services.movie_mark(model=WatchedMark, user=user, movie=movie)
    for movie in (logged_only, all_three, logged_twice, logged_twice):
        DiaryEntry.objects.create(user=user, movie=movie, watched_on="2020-01-01")
    for movie in (reviewed_only, all_three):
        ReviewFactory(user=user, movie=movie)
    # Watchlisted, liked or dismissed is not watched; nor is what others did.
    for model in (WatchlistEntry, MovieLike, Dismissal):
        services.movie_mark(model=model, user=user, movie=MovieFactory())
    other = UserFactory()
    services.movie_mark(model=WatchedMark, user=other, movie=MovieFactory())
    ReviewFactory(user=other, movie=marked_only)

    stats = stats_of(user)

    assert stats["films_watched"] == 5
    assert stats["diary_entries"] == 4
    assert stats["reviews"] == 2
    assert stats["likes"] == 1
    assert stats["watchlist"] == 1


def test_stats_follow_the_api(monkeypatch, user, user_client):
    freeze_now(monkeypatch, datetime.datetime(2024, 6, 15, 12, 0, tzinfo=datetime.UTC))
    movie, other_movie = MovieFactory(), MovieFactory()
    user_client.post("/api/diary/", {"movie": movie.pk, "rating": 4}, format="json")
    user_client.post("/api/diary/", {"movie": movie.pk, "rewatch": True}, format="json")
    user_client.put(f"/api/movies/{other_movie.pk}/watched/")
    user_client.put(f"/api/movies/{movie.pk}/like/")
    user_client.put(f"/api/watchlist/{other_movie.pk}/")

    assert stats_of(user) == {
        "films_watched": 2,
        "films_this_year": 1,
        "diary_entries": 2,
        "reviews": 1,
        "likes": 1,
        "watchlist": 1,
    }


def test_films_this_year_counts_distinct_films_logged_this_year_in_the_members_time_zone(monkeypatch):
    # 20:00 UTC on New Year's Eve is already 10:00 on 1 January 2025 in Kiritimati.
    freeze_now(monkeypatch, datetime.datetime(2024, 12, 31, 20, 0, tzinfo=datetime.UTC))
    east, utc = UserFactory(time_zone="Pacific/Kiritimati"), UserFactory(time_zone="UTC")
    new_year, old_year, twice = MovieFactory.create_batch(3)
    for user in (east, utc):
        DiaryEntry.objects.create(user=user, movie=new_year, watched_on="2025-01-01")
        DiaryEntry.objects.create(user=user, movie=old_year, watched_on="2024-12-31")
        DiaryEntry.objects.create(user=user, movie=twice, watched_on="2025-01-01")
        DiaryEntry.objects.create(user=user, movie=twice, watched_on="2025-01-01", rewatch=True)
        DiaryEntry.objects.create(user=user, movie=twice, watched_on="2024-06-01")
        services.movie_mark(model=WatchedMark, user=user, movie=MovieFactory())  # Undated: not this year.

    assert stats_of(east)["films_this_year"] == 2  # new_year and twice, in 2025.
    assert stats_of(utc)["films_this_year"] == 2  # old_year and twice, in 2024.
    assert stats_of(east)["diary_entries"] == stats_of(utc)["diary_entries"] == 5


def test_the_profile_keeps_its_review_figures_next_to_the_stats(user):
    for rating in (5, 2):
        ReviewFactory(user=user, rating=rating)

    body = APIClient().get(profile_url(user.username)).json()

    assert body["review_count"] == body["stats"]["reviews"] == 2
    assert body["average_rating_given"] == pytest.approx(3.5)
    assert body["diary_public"] is True
    assert body["watchlist_public"] is True


# --- Settings ---------------------------------------------------------------------------------


def test_settings_default_to_public_diary_and_watchlist_in_utc(user_client):
    body = user_client.get(ME_URL).json()

    assert (body["diary_public"], body["watchlist_public"], body["time_zone"]) == (True, True, "UTC")


def test_privacy_and_time_zone_are_patched_and_kept(user, user_client):
    response = user_client.patch(
        ME_URL, {"diary_public": False, "watchlist_public": False, "time_zone": "Asia/Kolkata"}, format="json"
    )

    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.diary_public, user.watchlist_public, user.time_zone) == (False, False, "Asia/Kolkata")
    assert user_client.get(ME_URL).json()["time_zone"] == "Asia/Kolkata"
    public = APIClient().get(profile_url(user.username)).json()
    assert (public["diary_public"], public["watchlist_public"]) == (False, False)


def test_the_time_zone_set_through_the_api_decides_today(monkeypatch, user, user_client, movie):
    freeze_now(monkeypatch, datetime.datetime(2024, 6, 15, 11, 30, tzinfo=datetime.UTC))
    user_client.patch(ME_URL, {"time_zone": "Pacific/Kiritimati"}, format="json")

    assert user_client.post("/api/diary/", {"movie": movie.pk}, format="json").json()["watched_on"] == "2024-06-16"


@pytest.mark.parametrize(
    "time_zone", ["Mars/Olympus_Mons", "", "Europe/paris", "UTC+2", "GMT+25", "../etc/passwd", "x" * 65, None, 3]
)
def test_an_unknown_time_zone_is_400_and_changes_nothing(user, user_client, time_zone):
    response = user_client.patch(ME_URL, {"time_zone": time_zone, "bio": "changed"}, format="json")

    assert_error(response, 400, fields=("time_zone",))
    user.refresh_from_db()
    assert (user.time_zone, user.bio) == ("UTC", "")


@pytest.mark.parametrize("value", ["sometimes", None, 2])
def test_a_privacy_setting_must_be_a_boolean(user, user_client, value):
    before = snapshot()

    response = user_client.patch(ME_URL, {"diary_public": value}, format="json")

    assert_error(response, 400, fields=("diary_public",))
    user.refresh_from_db()
    assert user.diary_public is True
    assert snapshot() == before


def test_private_counts_are_null_for_others_admins_included_and_shown_to_the_owner(monkeypatch, user, user_client):
    freeze_now(monkeypatch, datetime.datetime(2024, 6, 15, 12, 0, tzinfo=datetime.UTC))
    user.diary_public = user.watchlist_public = False
    user.save()
    DiaryEntry.objects.create(user=user, movie=MovieFactory(), watched_on="2024-06-01")
    services.movie_mark(model=WatchlistEntry, user=user, movie=MovieFactory())
    admin = authenticated_client(UserFactory(is_staff=True, is_superuser=True))

    own = stats_of(user, user_client)

    assert own == {
        "films_watched": 1,
        "films_this_year": 1,
        "diary_entries": 1,
        "reviews": 0,
        "likes": 0,
        "watchlist": 1,
    }
    for client in (APIClient(), admin, authenticated_client(UserFactory())):
        assert stats_of(user, client) == {**own, "films_this_year": None, "diary_entries": None, "watchlist": None}
