"""``viewer`` on movie detail and lists: what the logged-in member did with each film, and nothing for anonymous
callers (whose responses stay the shared, cacheable ones)."""

import datetime

import pytest
from rest_framework.test import APIClient

from activity import services
from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from activity.selectors import viewer_states, viewer_states_orm
from activity.viewer import NOTHING
from conftest import authenticated_client
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

MOVIES_URL = "/api/movies/"


def detail_url(movie) -> str:
    return f"{MOVIES_URL}{movie.pk}/"


def listed(client, **params) -> dict[int, dict]:
    return {row["id"]: row for row in client.get(MOVIES_URL, params).json()["results"]}


def mark(model, user, movie) -> None:
    services.movie_mark(model=model, user=user, movie=movie)


def rated(user, movie) -> None:
    ReviewFactory(user=user, movie=movie, rating=4)


def logged(user, movie) -> None:
    DiaryEntry.objects.create(user=user, movie=movie, watched_on="2024-01-01")


# Each action and the viewer state it alone produces.
ACTIONS = {
    "nothing": (lambda user, movie: None, {}),
    "reviewed": (rated, {"rating": 4, "watched": True}),
    "marked watched": (lambda user, movie: mark(WatchedMark, user, movie), {"watched": True}),
    "logged": (logged, {"watched": True}),
    "watchlisted": (lambda user, movie: mark(WatchlistEntry, user, movie), {"in_watchlist": True}),
    "liked": (lambda user, movie: mark(MovieLike, user, movie), {"liked": True}),
    "dismissed": (lambda user, movie: mark(Dismissal, user, movie), {"dismissed": True}),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_movie_detail_carries_the_viewers_state(user, user_client, action):
    movie = MovieFactory()
    do, changes = ACTIONS[action]
    do(user, movie)
    do(UserFactory(), MovieFactory())  # The same on another film changes nothing here.

    response = user_client.get(detail_url(movie))

    assert response.status_code == 200
    assert response.json()["viewer"] == {**NOTHING, **changes}


@pytest.mark.parametrize("action", ACTIONS)
def test_someone_elses_activity_does_not_show_as_mine(user_client, action):
    movie = MovieFactory()
    ACTIONS[action][0](UserFactory(), movie)

    assert user_client.get(detail_url(movie)).json()["viewer"] == NOTHING
    assert listed(user_client)[movie.pk]["viewer"] == NOTHING


def test_each_film_of_a_list_carries_its_own_state(user, user_client):
    movies = {action: MovieFactory() for action in ACTIONS}
    for action, movie in movies.items():
        ACTIONS[action][0](user, movie)

    rows = listed(user_client, page_size=50)

    assert {movie.pk for movie in movies.values()} <= set(rows)
    for action, movie in movies.items():
        assert rows[movie.pk]["viewer"] == {**NOTHING, **ACTIONS[action][1]}, action


def test_everything_at_once_on_one_film(user, user_client):
    movie = MovieFactory()
    for do, _ in ACTIONS.values():
        do(user, movie)

    expected = {"rating": 4, "watched": True, "in_watchlist": True, "liked": True, "dismissed": True}
    assert user_client.get(detail_url(movie)).json()["viewer"] == expected
    assert listed(user_client)[movie.pk]["viewer"] == expected


def test_the_viewer_follows_changes_made_through_the_api(user_client, movie):
    user_client.put(f"/api/movies/{movie.pk}/like/")
    user_client.put(f"/api/watchlist/{movie.pk}/")
    user_client.post("/api/diary/", {"movie": movie.pk, "rating": 3}, format="json")

    viewer = user_client.get(detail_url(movie)).json()["viewer"]
    assert viewer == {**NOTHING, "rating": 3, "watched": True, "in_watchlist": True, "liked": True}

    user_client.delete(f"/api/movies/{movie.pk}/like/")
    user_client.delete(f"/api/watchlist/{movie.pk}/")

    assert user_client.get(detail_url(movie)).json()["viewer"] == {**NOTHING, "rating": 3, "watched": True}


def test_filtered_and_ordered_lists_carry_the_viewer_too(user, user_client):
    drama = MovieFactory(genres=["Drama"])
    MovieFactory(genres=["Comedy"])
    mark(MovieLike, user, drama)

    rows = listed(user_client, genre="drama", ordering="title")

    assert list(rows) == [drama.pk]
    assert rows[drama.pk]["viewer"]["liked"] is True


@pytest.mark.parametrize("movie_id", ["987654", "99999999999999999999"])
def test_an_unknown_movie_is_a_plain_404_for_a_member(user_client, movie_id):
    response = user_client.get(f"{MOVIES_URL}{movie_id}/")

    assert response.status_code == 404
    assert "viewer" not in response.json()


def test_anonymous_detail_and_list_have_no_viewer_key(api_client, user):
    movie = MovieFactory()
    for do, _ in ACTIONS.values():
        do(user, movie)

    detail = api_client.get(detail_url(movie)).json()
    rows = listed(api_client)

    assert "viewer" not in detail
    assert "like_count" in detail
    assert all("viewer" not in row for row in rows.values())


def _first_row(body: dict) -> dict:
    return body["results"][0] if "results" in body else body


@pytest.mark.parametrize("list_or_detail", ["list", "detail"])
def test_with_the_response_cache_on_each_caller_still_gets_only_their_own_viewer(settings, user, list_or_detail):
    """A cached response is shared by every caller: the viewer must be added to a copy, never stored with it."""
    settings.RESPONSE_CACHE_SECONDS = 60
    movie = MovieFactory()
    mark(MovieLike, user, movie)
    url = MOVIES_URL if list_or_detail == "list" else detail_url(movie)
    member, stranger, anonymous = authenticated_client(user), authenticated_client(UserFactory()), APIClient()

    bodies = [_first_row(client.get(url).json()) for client in (anonymous, member, stranger, anonymous, member)]

    assert [body["id"] for body in bodies] == [movie.pk] * 5
    assert "viewer" not in bodies[0] and "viewer" not in bodies[3]
    assert bodies[1]["viewer"] == bodies[4]["viewer"] == {**NOTHING, "liked": True}
    assert bodies[2]["viewer"] == NOTHING


def test_the_viewer_statement_returns_what_the_orm_query_returns():
    person, other = UserFactory(), UserFactory()
    movies = MovieFactory.create_batch(7)
    ReviewFactory(user=person, movie=movies[0], rating=3.5)
    WatchedMark.objects.create(user=person, movie=movies[1])
    DiaryEntry.objects.create(user=person, movie=movies[2], watched_on=datetime.date(2024, 1, 1))
    WatchlistEntry.objects.create(user=person, movie=movies[3])
    MovieLike.objects.create(user=person, movie=movies[4])
    Dismissal.objects.create(user=person, movie=movies[5])
    for model in (WatchedMark, WatchlistEntry, MovieLike, Dismissal):
        model.objects.create(user=other, movie=movies[6])
    ReviewFactory(user=other, movie=movies[6], rating=5)
    ids = [movie.pk for movie in movies] + [10**9]

    states = viewer_states(person, ids)

    assert states == viewer_states_orm(person, ids)
    assert [states[movie.pk] for movie in movies] == [
        {"rating": 3.5, "watched": True, "in_watchlist": False, "liked": False, "dismissed": False},
        {"rating": None, "watched": True, "in_watchlist": False, "liked": False, "dismissed": False},
        {"rating": None, "watched": True, "in_watchlist": False, "liked": False, "dismissed": False},
        {"rating": None, "watched": False, "in_watchlist": True, "liked": False, "dismissed": False},
        {"rating": None, "watched": False, "in_watchlist": False, "liked": True, "dismissed": False},
        {"rating": None, "watched": False, "in_watchlist": False, "liked": False, "dismissed": True},
        {"rating": None, "watched": False, "in_watchlist": False, "liked": False, "dismissed": False},
    ]
    assert viewer_states(person, []) == {}
