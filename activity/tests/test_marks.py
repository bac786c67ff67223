"""Watched marks, the watchlist, likes of films and "not interested": idempotent PUT and DELETE, like counts, the
watchlist's ordering, filter and ``watched`` flag, and accounts that go."""

import datetime

import pytest

from activity import services
from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from activity.tests.utils import (
    DISMISSED_URL,
    HUGE_ID,
    MARK_URLS,
    WATCHLIST_URL,
    freeze_now,
    member_watchlist_url,
    movie_ids,
    movie_like_url,
    review_like_url,
    snapshot,
    watchlist_entry_url,
)
from conftest import authenticated_client
from movies.models import Movie
from movies.tests.helpers import assert_error, set_movie_fields
from reviews.models import Review, ReviewLike
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = list(MARK_URLS)


def like_count(movie: Movie) -> int:
    return Movie.objects.values_list("like_count", flat=True).get(pk=movie.pk)


# --- PUT and DELETE ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_put_is_201_then_200_and_leaves_one_row(user_client, user, movie, model):
    first = user_client.put(MARK_URLS[model](movie.pk))
    second = user_client.put(MARK_URLS[model](movie.pk))

    assert first.status_code == 201, first.content
    assert second.status_code == 200, second.content
    assert first.json()["movie"] == second.json()["movie"] == movie.pk
    assert first.json()["created_at"] == second.json()["created_at"]
    assert list(model.objects.values_list("user_id", "movie_id")) == [(user.pk, movie.pk)]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_delete_is_204_whether_or_not_the_mark_was_there(user_client, user, other_user, movie, model):
    services.movie_mark(model=model, user=user, movie=movie)
    services.movie_mark(model=model, user=other_user, movie=movie)

    first = user_client.delete(MARK_URLS[model](movie.pk))
    second = user_client.delete(MARK_URLS[model](movie.pk))

    assert (first.status_code, second.status_code) == (204, 204)
    assert list(model.objects.values_list("user_id", flat=True)) == [other_user.pk]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("movie_id", ["987654", HUGE_ID, "0"])
@pytest.mark.parametrize("method", ["put", "delete"])
def test_an_unknown_movie_is_404_and_writes_nothing(user_client, movie, model, movie_id, method):
    before = snapshot()

    response = getattr(user_client, method)(MARK_URLS[model](movie_id))

    assert_error(response, 404, code="not_found")
    assert snapshot() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_non_numeric_movie_id_is_404(user_client, movie, model):
    assert_error(user_client.put(MARK_URLS[model]("abc")), 404)
    assert not model.objects.exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_body_with_fields_is_ignored_and_cannot_mark_for_someone_else(user_client, user, other_user, movie, model):
    response = user_client.put(MARK_URLS[model](movie.pk), {"user": other_user.pk, "movie": 1}, format="json")

    assert response.status_code == 201
    assert list(model.objects.values_list("user_id", "movie_id")) == [(user.pk, movie.pk)]


# --- Likes of films ---------------------------------------------------------------------------


def test_like_count_follows_likes_and_a_repeated_put_does_not_count_twice(user_client, other_client, movie):
    user_client.put(movie_like_url(movie.pk))
    user_client.put(movie_like_url(movie.pk))
    other_client.put(movie_like_url(movie.pk))

    assert like_count(movie) == 2
    assert MovieLike.objects.filter(movie=movie).count() == 2
    assert user_client.get(f"/api/movies/{movie.pk}/").json()["like_count"] == 2
    row = next(row for row in user_client.get("/api/movies/").json()["results"] if row["id"] == movie.pk)
    assert row["like_count"] == 2

    user_client.delete(movie_like_url(movie.pk))
    user_client.delete(movie_like_url(movie.pk))

    assert like_count(movie) == 1
    assert MovieLike.objects.filter(movie=movie).count() == 1


def test_unliking_what_was_never_liked_does_not_go_below_zero(user_client, movie):
    assert user_client.delete(movie_like_url(movie.pk)).status_code == 204
    assert like_count(movie) == 0


def test_other_marks_leave_the_like_count_alone(user_client, movie):
    for model in (WatchedMark, WatchlistEntry, Dismissal):
        user_client.put(MARK_URLS[model](movie.pk))

    assert like_count(movie) == 0


def test_a_deleted_account_takes_its_likes_of_films_and_reviews_off_the_counts(user_client, movie):
    liker, keeper = UserFactory(), UserFactory()
    other_movie = MovieFactory()
    review = ReviewFactory(movie=movie)
    for person in (liker, keeper):
        client = authenticated_client(person)
        assert client.put(movie_like_url(movie.pk)).status_code == 201
        assert client.put(review_like_url(review.pk)).status_code == 201
    authenticated_client(liker).put(movie_like_url(other_movie.pk))
    assert (like_count(movie), like_count(other_movie), Review.objects.get(pk=review.pk).like_count) == (2, 1, 2)

    liker.delete()

    assert (like_count(movie), like_count(other_movie)) == (1, 0)
    assert Review.objects.get(pk=review.pk).like_count == 1
    assert list(MovieLike.objects.values_list("user_id", flat=True)) == [keeper.pk]
    assert list(ReviewLike.objects.values_list("user_id", flat=True)) == [keeper.pk]


def test_deleting_several_accounts_at_once_takes_each_like_off(movie):
    likers = UserFactory.create_batch(3)
    review = ReviewFactory(movie=movie)
    for liker in likers:
        authenticated_client(liker).put(movie_like_url(movie.pk))
        authenticated_client(liker).put(review_like_url(review.pk))

    type(likers[0]).objects.filter(pk__in=[liker.pk for liker in likers[:2]]).delete()

    assert like_count(movie) == 1
    assert Review.objects.get(pk=review.pk).like_count == 1


def test_a_liked_film_shows_its_new_count_at_once_with_the_response_cache_on(
    settings, api_client, user_client, movie, django_capture_on_commit_callbacks
):
    settings.RESPONSE_CACHE_SECONDS = 60
    assert api_client.get(f"/api/movies/{movie.pk}/").json()["like_count"] == 0  # Now cached.

    with django_capture_on_commit_callbacks(execute=True):
        user_client.put(movie_like_url(movie.pk))

    assert api_client.get(f"/api/movies/{movie.pk}/").json()["like_count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        user_client.delete(movie_like_url(movie.pk))

    assert api_client.get(f"/api/movies/{movie.pk}/").json()["like_count"] == 0


def test_deleting_an_account_through_the_api_corrects_like_counts(movie):
    from tests.factories import DEFAULT_PASSWORD

    liker = UserFactory()
    review = ReviewFactory(movie=movie)
    client = authenticated_client(liker)
    client.put(movie_like_url(movie.pk))
    client.put(review_like_url(review.pk))

    response = client.delete("/api/users/me/", {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 204
    assert like_count(movie) == 0
    assert Review.objects.get(pk=review.pk).like_count == 0


# --- The watchlist ----------------------------------------------------------------------------


def test_the_watchlist_shows_each_film_with_when_it_was_added(user_client, user, monkeypatch):
    movie = MovieFactory(genres=["Drama"])
    moment = datetime.datetime(2024, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    freeze_now(monkeypatch, moment)
    user_client.put(watchlist_entry_url(movie.pk))

    response = user_client.get(WATCHLIST_URL)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["added"] == "2024-02-03T04:05:06Z"
    assert row["watched"] is False
    assert row["movie"]["id"] == movie.pk
    assert row["movie"]["title"] == movie.title
    assert [genre["slug"] for genre in row["movie"]["genres"]] == ["drama"]


def test_watching_a_film_keeps_it_on_the_watchlist_flagged_watched(user, user_client):
    marked, logged, reviewed, rated_in_diary, unseen = MovieFactory.create_batch(5)
    for movie in (marked, logged, reviewed, rated_in_diary, unseen):
        assert user_client.put(watchlist_entry_url(movie.pk)).status_code == 201

    user_client.put(MARK_URLS[WatchedMark](marked.pk))
    user_client.post("/api/diary/", {"movie": logged.pk}, format="json")
    user_client.post("/api/reviews/", {"movie": reviewed.pk, "rating": 3}, format="json")
    user_client.post("/api/diary/", {"movie": rated_in_diary.pk, "rating": 4}, format="json")
    # Someone else having seen a film does not make it watched for this member.
    DiaryEntry.objects.create(user=UserFactory(), movie=unseen, watched_on="2024-01-01")

    rows = {row["movie"]["id"]: row["watched"] for row in user_client.get(WATCHLIST_URL).json()["results"]}

    assert rows == {marked.pk: True, logged.pk: True, reviewed.pk: True, rated_in_diary.pk: True, unseen.pk: False}
    public = authenticated_client(UserFactory()).get(member_watchlist_url(user.username)).json()["results"]
    assert {row["movie"]["id"]: row["watched"] for row in public} == rows


def test_unmarking_watched_keeps_a_logged_film_watched(user_client, movie):
    user_client.put(watchlist_entry_url(movie.pk))
    user_client.put(MARK_URLS[WatchedMark](movie.pk))
    user_client.post("/api/diary/", {"movie": movie.pk}, format="json")

    user_client.delete(MARK_URLS[WatchedMark](movie.pk))

    assert user_client.get(WATCHLIST_URL).json()["results"][0]["watched"] is True


def test_unmarking_watched_clears_the_flag_when_nothing_else_says_watched(user_client, movie):
    user_client.put(watchlist_entry_url(movie.pk))
    user_client.put(MARK_URLS[WatchedMark](movie.pk))
    assert user_client.get(WATCHLIST_URL).json()["results"][0]["watched"] is True

    user_client.delete(MARK_URLS[WatchedMark](movie.pk))

    assert user_client.get(WATCHLIST_URL).json()["results"][0]["watched"] is False


@pytest.fixture
def shelf(user, user_client, monkeypatch):
    """Three films added on three days, with titles, dates and ratings ordered differently."""
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    films = {
        "b": MovieFactory(title="Bravo", release_date=datetime.date(2001, 1, 1), genres=["Drama"]),
        "c": MovieFactory(title="Charlie", release_date=datetime.date(1999, 1, 1), genres=["Drama", "Comedy"]),
        "a": MovieFactory(title="Alpha", release_date=datetime.date(2010, 1, 1), genres=["Comedy"]),
    }
    for rating, film in zip((2.0, 4.5, 3.0), films.values(), strict=True):
        set_movie_fields(film, avg_rating=rating)
    for day, film in enumerate(films.values()):
        freeze_now(monkeypatch, start + datetime.timedelta(days=day))
        user_client.put(watchlist_entry_url(film.pk))
    monkeypatch.undo()
    services.movie_mark(model=WatchlistEntry, user=UserFactory(), movie=MovieFactory())  # Someone else's.
    return {name: film.pk for name, film in films.items()}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "acb"),
        ({"ordering": "-added"}, "acb"),
        ({"ordering": "added"}, "bca"),
        ({"ordering": "title"}, "abc"),
        ({"ordering": "-title"}, "cba"),
        ({"ordering": "release_date"}, "cba"),
        ({"ordering": "-release_date"}, "abc"),
        ({"ordering": "avg_rating"}, "bac"),
        ({"ordering": "-avg_rating"}, "cab"),
        ({"genre": "drama"}, "cb"),
        ({"genre": "comedy", "ordering": "title"}, "ac"),
        ({"genre": "western"}, ""),
    ],
)
def test_watchlist_ordering_and_genre_filter(user, user_client, shelf, params, expected):
    response = user_client.get(WATCHLIST_URL, params)

    assert response.status_code == 200, response.content
    assert movie_ids(response) == [shelf[name] for name in expected]
    assert response.json()["count"] == len(expected)
    public = authenticated_client(UserFactory()).get(member_watchlist_url(user.username), params)
    assert movie_ids(public) == [shelf[name] for name in expected]


def test_a_tie_in_watchlist_ordering_never_repeats_or_skips_a_film(user, user_client):
    films = MovieFactory.create_batch(5)
    for film in films:
        set_movie_fields(film, avg_rating=3.0)
        user_client.put(watchlist_entry_url(film.pk))

    pages = [
        movie_ids(user_client.get(WATCHLIST_URL, {"ordering": "avg_rating", "page_size": 2, "page": page}))
        for page in (1, 2, 3)
    ]

    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(film.pk for film in films)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "rating"}, "ordering"),
        ({"ordering": "created_at"}, "ordering"),
        ({"ordering": "movie__title"}, "ordering"),
        ({"ordering": "title,nonsense"}, "ordering"),
        ({"genre": "x" * 61}, "genre"),
    ],
)
def test_bad_watchlist_parameters_are_400(user, user_client, shelf, params, field):
    assert_error(user_client.get(WATCHLIST_URL, params), 400, fields=(field,))
    assert_error(user_client.get(member_watchlist_url(user.username), params), 400, fields=(field,))


# --- "Not interested" -------------------------------------------------------------------------


def test_the_dismissed_list_shows_own_dismissals_most_recent_first(user_client, other_client, monkeypatch):
    first, second = MovieFactory(), MovieFactory()
    for day, movie in enumerate((first, second), start=1):
        freeze_now(monkeypatch, datetime.datetime(2024, 1, day, tzinfo=datetime.UTC))
        user_client.put(MARK_URLS[Dismissal](movie.pk))
    other_client.put(MARK_URLS[Dismissal](MovieFactory().pk))

    response = user_client.get(DISMISSED_URL)

    assert response.status_code == 200
    assert movie_ids(response) == [second.pk, first.pk]
    assert response.json()["results"][0]["created_at"] == "2024-01-02T00:00:00Z"

    user_client.delete(MARK_URLS[Dismissal](second.pk))

    assert movie_ids(user_client.get(DISMISSED_URL)) == [first.pk]
