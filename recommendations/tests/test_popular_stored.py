"""The popular lists are read from rankings stored at most POPULAR_FIGURES_REFRESH_SECONDS ago, not ranked from the
whole catalogue on every read: beat (or the command) ranks them again on that interval, and a read that finds one
older ranks it itself. So a new review shows within that interval, and no read waits for the ranking when beat runs."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.models import PopularList
from recommendations.selectors.popular import KEPT_FRESH
from recommendations.tasks import refresh_popular_figures
from tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db

MOST_REVIEWED = "/api/recommendations/most-reviewed/"
REFRESH_SECONDS = 60


@pytest.fixture(autouse=True)
def stored_rankings(settings):
    settings.POPULAR_FIGURES_REFRESH_SECONDS = REFRESH_SECONDS
    settings.RECOMMENDATIONS_CACHE_SECONDS = 0  # what is stored, not the cached answer in front of it


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def age(key: str, seconds: int) -> None:
    PopularList.objects.filter(key=key).update(computed_at=timezone.now() - timedelta(seconds=seconds))


def ranked_reading_reviews(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if '"reviews_review"' in query["sql"]]


def test_a_read_ranks_once_then_reads_the_stored_ranking_until_it_is_stale(api_client):
    quiet, busy = MovieFactory(), MovieFactory()
    ReviewFactory.create_batch(2, movie=busy)
    ReviewFactory(movie=quiet)

    assert ids(api_client.get(MOST_REVIEWED)) == [busy.pk, quiet.pk]
    ReviewFactory.create_batch(3, movie=quiet)
    assert ids(api_client.get(MOST_REVIEWED)) == [busy.pk, quiet.pk]  # as stored, less than a minute ago

    age("most-reviewed", REFRESH_SECONDS + 1)
    assert ids(api_client.get(MOST_REVIEWED)) == [quiet.pk, busy.pk]


def test_a_trending_window_is_stored_under_its_days_and_read_without_ranking(api_client):
    movie = MovieFactory()
    ReviewFactory(movie=movie)
    api_client.get("/api/recommendations/trending/", {"days": 30})

    with CaptureQueriesContext(connection) as queries:
        assert ids(api_client.get("/api/recommendations/trending/", {"days": 30, "limit": 1})) == [movie.pk]

    assert ranked_reading_reviews(queries) == []
    assert PopularList.objects.get(key="trending:30").ranked == [[movie.pk, 1.0]]


def test_beat_and_the_command_rank_every_list_the_pages_show(api_client):
    movie = MovieFactory()
    ReviewFactory(movie=movie, rating=5)

    refresh_popular_figures()

    assert set(PopularList.objects.values_list("key", flat=True)) == set(KEPT_FRESH)
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get("/api/recommendations/dashboard/").json()
    assert ranked_reading_reviews(queries) == []
    assert [[row["id"] for row in body[name]] for name in ("top_rated", "trending", "most_reviewed", "recent")] == [
        [movie.pk]
    ] * 4

    age("recent", REFRESH_SECONDS * 10)
    newer = MovieFactory()
    call_command("refresh_popular_figures", stdout=io.StringIO())
    assert PopularList.objects.get(key="recent").ranked[0] == [newer.pk, None]


def test_with_no_interval_every_read_ranks_the_catalogue_and_nothing_is_stored(api_client, settings):
    settings.POPULAR_FIGURES_REFRESH_SECONDS = 0
    movie = MovieFactory()
    ReviewFactory(movie=movie)

    assert ids(api_client.get(MOST_REVIEWED)) == [movie.pk]
    assert not PopularList.objects.exists()
