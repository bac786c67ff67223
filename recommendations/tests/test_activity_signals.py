"""What members do besides reviewing (likes, diary entries, watched marks, the watchlist, "not interested") in the
recommender: as interactions, as films left out of personal lists, and in the taste profile."""

import datetime

import numpy as np
import pytest

from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from conftest import authenticated_client
from recommendations.builders import interaction_pairs
from recommendations.selectors.common import (
    HIDDEN,
    LIKE_RATING,
    LIKED,
    REVIEWED,
    VIEWING_RATING,
    WATCHED,
    history_from_signals,
    signal_rows,
    user_history,
)
from recommendations.tests.serving_helpers import build, make_world
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

FOR_YOU = "/api/recommendations/for-you/"


@pytest.fixture
def built():
    world = make_world()
    build()
    return world


def test_a_review_outweighs_a_like_which_outweighs_a_viewing_and_interactions_are_never_merely_hidden():
    rows = [
        (1, None, WATCHED), (1, None, LIKED), (1, 2.0, REVIEWED),  # reviewed, liked and watched: the review's rating
        (2, None, WATCHED), (2, None, LIKED),  # liked and watched: a like's
        (3, None, WATCHED), (3, None, WATCHED),  # logged twice: a viewing's
        (4, None, HIDDEN), (4, None, WATCHED),  # watched and on the watchlist: an interaction
        (5, None, HIDDEN), (5, None, HIDDEN),  # listed and dismissed: only left out
    ]  # fmt: skip

    history = history_from_signals(reversed(rows))

    assert dict(zip(history.movie_ids.tolist(), history.ratings.tolist(), strict=True)) == {
        1: 2.0,
        2: LIKE_RATING,
        3: VIEWING_RATING,
        4: VIEWING_RATING,
    }
    assert history.hidden_ids.tolist() == [5]
    assert history.left_out() == {1, 2, 3, 4, 5}


def test_the_history_statement_returns_what_the_orm_query_returns():
    person, other = UserFactory(), UserFactory()
    movies = MovieFactory.create_batch(6)
    ReviewFactory(user=person, movie=movies[0], rating=4)
    MovieLike.objects.create(user=person, movie=movies[1])
    WatchedMark.objects.create(user=person, movie=movies[2])
    DiaryEntry.objects.create(user=person, movie=movies[3], watched_on=datetime.date(2024, 5, 1))
    WatchlistEntry.objects.create(user=person, movie=movies[4])
    Dismissal.objects.create(user=person, movie=movies[5])
    for model in (MovieLike, WatchedMark, WatchlistEntry, Dismissal):
        model.objects.create(user=other, movie=movies[0])
    expected = history_from_signals([row[1:] for row in signal_rows([person.pk])])

    history = user_history(person.pk)

    assert history.movie_ids.tolist() == expected.movie_ids.tolist() == [m.pk for m in movies[:4]]
    assert history.ratings.tolist() == expected.ratings.tolist() == [4.0, LIKE_RATING, VIEWING_RATING, VIEWING_RATING]
    assert history.hidden_ids.tolist() == expected.hidden_ids.tolist() == [movies[4].pk, movies[5].pk]


def test_the_model_is_fitted_on_likes_viewings_and_reviews_once_per_film():
    person = UserFactory()
    liked, logged, marked = MovieFactory.create_batch(3)
    MovieLike.objects.create(user=person, movie=liked)
    DiaryEntry.objects.create(user=person, movie=logged, watched_on=datetime.date(2024, 1, 1))
    DiaryEntry.objects.create(user=person, movie=logged, watched_on=datetime.date(2024, 2, 1))
    WatchedMark.objects.create(user=person, movie=marked)
    ReviewFactory(user=person, movie=marked)
    WatchlistEntry.objects.create(user=person, movie=MovieFactory())

    users, movies = interaction_pairs()

    assert sorted(zip(users.tolist(), movies.tolist(), strict=True)) == sorted(
        (person.pk, movie.pk) for movie in (liked, logged, marked)
    )


@pytest.mark.parametrize("model", [WatchedMark, MovieLike, WatchlistEntry, Dismissal])
def test_for_you_never_lists_a_film_the_user_marked(built, model, django_capture_on_commit_callbacks):
    fan = built.space_fans[0]
    client = authenticated_client(fan)
    first = client.get(FOR_YOU).json()[0]["id"]

    with django_capture_on_commit_callbacks(execute=True):
        client.put(_mark_url(model, first))

    assert first not in [row["id"] for row in client.get(FOR_YOU).json()]


def test_a_logged_film_leaves_every_personal_list(built, django_capture_on_commit_callbacks):
    fan = built.space_fans[0]
    client = authenticated_client(fan)
    neighbours = client.get(f"/api/movies/{built.space[0].pk}/similar/", {"limit": 50}).json()
    target = next(row["id"] for row in neighbours if row["id"] != built.space[0].pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/diary/", {"movie": target}).status_code == 201

    for url in (FOR_YOU, f"/api/movies/{built.space[0].pk}/similar/", "/api/recommendations/by-genre/sci-fi/"):
        assert target not in [row["id"] for row in client.get(url, {"limit": 50}).json()], url


def test_a_like_changes_the_next_for_you_as_a_review_does(built, django_capture_on_commit_callbacks):
    newcomer = UserFactory()
    client = authenticated_client(newcomer)
    before = client.get(FOR_YOU).json()
    assert {row["reason"] for row in before} == {"popular with everyone"}

    with django_capture_on_commit_callbacks(execute=True):
        assert client.put(f"/api/movies/{built.romance[0].pk}/like/").status_code == 201

    after = client.get(FOR_YOU).json()
    assert after != before
    assert any(row["reason"].startswith("because you liked") for row in after)
    romance_ids = {movie.pk for movie in built.romance}
    assert romance_ids & {row["id"] for row in after if row["reason"].startswith("because")}


def test_the_taste_profile_counts_likes_as_favourites_and_viewings_in_decades(django_capture_on_commit_callbacks):
    person = UserFactory()
    liked = MovieFactory(genres=["Noir"], directors=["Ann Shadow"], release_date=datetime.date(1948, 1, 1))
    watched = MovieFactory(genres=["Comedy"], release_date=datetime.date(1995, 1, 1))
    MovieLike.objects.create(user=person, movie=liked)
    WatchedMark.objects.create(user=person, movie=watched)

    profile = authenticated_client(person).get("/api/users/profile/taste-profile/").json()

    assert [genre["slug"] for genre in profile["favourite_genres"]] == ["noir"]
    assert profile["favourite_directors"] == [{"name": "Ann Shadow", "count": 1}]
    assert profile["decades"] == [
        {"decade": 1940, "count": 1, "average_rating": None},
        {"decade": 1990, "count": 1, "average_rating": None},
    ]
    assert profile["average_rating_given"] is None


def test_recommendation_items_carry_the_viewer_state_only_when_logged_in(built, api_client):
    fan = built.space_fans[0]
    url = "/api/recommendations/top-rated/"
    assert all("viewer" not in row for row in api_client.get(url).json())

    rows = authenticated_client(fan).get(url, {"limit": 50}).json()

    reviewed = {review.movie_id: review.rating for review in fan.reviews.all()}
    assert reviewed
    for row in rows:
        assert row["viewer"]["rating"] == reviewed.get(row["id"])
        assert row["viewer"]["watched"] is (row["id"] in reviewed)


def test_the_dashboard_carries_the_viewer_state_in_every_list(built):
    fan = built.space_fans[0]
    body = authenticated_client(fan).get("/api/recommendations/dashboard/").json()
    assert all("viewer" in row for rows in body.values() for row in rows)


def _mark_url(model, movie_id: int) -> str:
    return {
        WatchedMark: f"/api/movies/{movie_id}/watched/",
        MovieLike: f"/api/movies/{movie_id}/like/",
        WatchlistEntry: f"/api/watchlist/{movie_id}/",
        Dismissal: f"/api/recommendations/dismissed/{movie_id}/",
    }[model]


def test_hidden_films_that_the_model_does_not_know_are_ignored():
    history = history_from_signals([(10**9, None, HIDDEN)])
    assert history.hidden_ids.tolist() == [10**9]
    assert np.array_equal(history.movie_ids, np.empty(0, dtype=np.int64))
