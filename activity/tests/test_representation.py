"""The activity lists' fast output is exactly what DRF renders for the same serializers."""

import datetime

import pytest
from django.utils import timezone

from activity.models import DiaryEntry, Dismissal, WatchlistEntry
from activity.selectors import diary_of, marks_of, watchlist_of, with_movie_genres, with_watched_flags
from activity.serializers import DiaryEntrySerializer, MarkedMovieSerializer, WatchlistItemSerializer
from core.tests.test_representation import drf_output, fast_output
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ["UTC", "America/St_Johns"])
def test_diary_entries_render_as_drf_renders_them(zone):
    user = UserFactory()
    rated, plain = MovieFactory(genres=["Drama"]), MovieFactory(release_date=None)
    review = ReviewFactory(user=user, movie=rated, rating=4.5)
    DiaryEntry.objects.create(user=user, movie=rated, watched_on=datetime.date(2024, 2, 29), rating=4.5, review=review)
    DiaryEntry.objects.create(user=user, movie=plain, watched_on=datetime.date(2024, 3, 1), rewatch=True)

    entries = with_movie_genres(list(diary_of(user)))

    with timezone.override(zone):
        for entry in entries:
            assert fast_output(DiaryEntrySerializer, entry) == drf_output(DiaryEntrySerializer, entry)
    assert [fast_output(DiaryEntrySerializer, entry)["rating"] for entry in entries] == [None, 4.5]


def test_watchlist_items_and_dismissed_films_render_as_drf_renders_them():
    user = UserFactory()
    seen, unseen = MovieFactory(genres=["Comedy"]), MovieFactory()
    ReviewFactory(user=user, movie=seen)
    for movie in (seen, unseen):
        WatchlistEntry.objects.create(user=user, movie=movie)
        Dismissal.objects.create(user=user, movie=movie)

    items = with_watched_flags(user, with_movie_genres(list(watchlist_of(user))))
    dismissed = with_movie_genres(list(marks_of(Dismissal, user)))

    assert [fast_output(WatchlistItemSerializer, item)["watched"] for item in items] == [False, True]
    for item in items:
        assert fast_output(WatchlistItemSerializer, item) == drf_output(WatchlistItemSerializer, item)
    for mark in dismissed:
        assert fast_output(MarkedMovieSerializer, mark) == drf_output(MarkedMovieSerializer, mark)
