"""Query counts of the activity reads are pinned, at two page sizes: they do not grow with the rows (no N+1)."""

import pytest
from rest_framework.test import APIClient

from activity import services
from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from activity.tests.utils import (
    DIARY_URL,
    DISMISSED_URL,
    WATCHLIST_URL,
    member_diary_url,
    member_watchlist_url,
    profile_url,
)
from conftest import authenticated_client
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 15]


def busy_member(size: int):
    """A member who reviewed, logged, marked, liked, watchlisted and dismissed ``size`` films, each with two genres
    and someone else's review, so that every lazy relation would show as an extra query."""
    member = UserFactory()
    for movie in MovieFactory.create_batch(size, genres=["Drama", "Crime"]):
        ReviewFactory(movie=movie)
        review = ReviewFactory(user=member, movie=movie, rating=3)
        DiaryEntry.objects.create(user=member, movie=movie, watched_on="2024-01-01", rating=3, review=review)
        for model in (WatchedMark, WatchlistEntry, MovieLike, Dismissal):
            services.movie_mark(model=model, user=member, movie=movie)
    return member


def assert_page(response, size: int) -> list[dict]:
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert len(rows) == size
    return rows


@pytest.mark.parametrize("size", SIZES)
def test_own_diary(django_assert_num_queries, size):
    member = busy_member(size)
    client = authenticated_client(member)

    with django_assert_num_queries(4):  # The user, COUNT, the page with its films, the films' genres.
        response = client.get(DIARY_URL, {"page_size": size})

    rows = assert_page(response, size)
    assert all(len(row["movie"]["genres"]) == 2 and row["review"] for row in rows)


@pytest.mark.parametrize("size", SIZES)
def test_own_diary_filtered_and_ordered(django_assert_num_queries, size):
    member = busy_member(size)
    client = authenticated_client(member)

    with django_assert_num_queries(4):
        response = client.get(DIARY_URL, {"page_size": size, "year": 2024, "month": 1, "ordering": "watched_on"})

    assert_page(response, size)


@pytest.mark.parametrize("size", SIZES)
def test_public_diary(django_assert_num_queries, size):
    member = busy_member(size)

    with django_assert_num_queries(4):  # The member, COUNT, the page with its films, the films' genres.
        response = APIClient().get(member_diary_url(member.username), {"page_size": size})

    assert_page(response, size)


@pytest.mark.parametrize("size", SIZES)
def test_public_diary_read_by_a_logged_in_member(django_assert_num_queries, size):
    member = busy_member(size)
    client = authenticated_client(UserFactory())

    with django_assert_num_queries(5):  # The caller, then as anonymous.
        response = client.get(member_diary_url(member.username), {"page_size": size})

    assert_page(response, size)


@pytest.mark.parametrize("size", SIZES)
def test_own_watchlist(django_assert_num_queries, size):
    member = busy_member(size)
    client = authenticated_client(member)

    with django_assert_num_queries(5):  # The user, COUNT, the page with its films, genres, which were watched.
        response = client.get(WATCHLIST_URL, {"page_size": size, "ordering": "title"})

    rows = assert_page(response, size)
    assert all(row["watched"] and len(row["movie"]["genres"]) == 2 for row in rows)


@pytest.mark.parametrize("size", SIZES)
def test_public_watchlist(django_assert_num_queries, size):
    member = busy_member(size)

    with django_assert_num_queries(5):  # The member, COUNT, the page with its films, genres, which were watched.
        response = APIClient().get(member_watchlist_url(member.username), {"page_size": size, "genre": "drama"})

    rows = assert_page(response, size)
    assert all(row["watched"] for row in rows)


@pytest.mark.parametrize("size", SIZES)
def test_dismissed(django_assert_num_queries, size):
    member = busy_member(size)
    client = authenticated_client(member)

    with django_assert_num_queries(4):  # The user, COUNT, the page with its films, the films' genres.
        response = client.get(DISMISSED_URL, {"page_size": size})

    rows = assert_page(response, size)
    assert all(len(row["movie"]["genres"]) == 2 for row in rows)


@pytest.mark.parametrize("size", SIZES)
def test_movie_list_logged_in_adds_one_viewer_query(django_assert_num_queries, size):
    member = busy_member(size)
    client = authenticated_client(member)

    with django_assert_num_queries(5):  # The user, COUNT, the page, genres, then the viewer state of the page.
        response = client.get("/api/movies/", {"page_size": size})

    rows = assert_page(response, size)
    assert all(row["viewer"]["watched"] and row["viewer"]["liked"] for row in rows)


@pytest.mark.parametrize("size", SIZES)
def test_movie_list_anonymous_has_no_viewer_query(django_assert_num_queries, size):
    busy_member(size)

    with django_assert_num_queries(3):
        response = APIClient().get("/api/movies/", {"page_size": size})

    assert all("viewer" not in row for row in assert_page(response, size))


@pytest.mark.parametrize("size", SIZES)
def test_movie_detail_logged_in_adds_one_viewer_query(django_assert_num_queries, size):
    movie = MovieFactory(genres=["Drama"])
    for user in UserFactory.create_batch(size):
        ReviewFactory(user=user, movie=movie)
        DiaryEntry.objects.create(user=user, movie=movie, watched_on="2024-01-01")
        services.movie_mark(model=MovieLike, user=user, movie=movie)
    client = authenticated_client(user)  # The last of them.

    with django_assert_num_queries(4):  # The user, the movie, its genres, the viewer state.
        response = client.get(f"/api/movies/{movie.pk}/")

    body = response.json()
    assert body["like_count"] == size
    assert body["viewer"]["liked"] is True


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("logged_in", [False, True])
def test_profile(django_assert_num_queries, size, logged_in):
    member = busy_member(size)
    client = authenticated_client(UserFactory()) if logged_in else APIClient()

    # (The caller,) the member, the review figures, films watched, the other counts.
    with django_assert_num_queries(4 + logged_in):
        response = client.get(profile_url(member.username))

    assert response.status_code == 200
    stats = response.json()["stats"]
    assert (stats["films_watched"], stats["diary_entries"], stats["likes"], stats["watchlist"]) == (size,) * 4
