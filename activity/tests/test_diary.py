"""The diary: logging viewings, the review a rating makes, dates in the member's time zone, filters and bad input."""

import datetime

import pytest

from activity.models import DiaryEntry
from activity.serializers import FUTURE_DATE_MESSAGE
from activity.services import REVIEW_NEEDS_RATING_MESSAGE
from activity.tests.utils import DIARY_URL, HUGE_ID, entry_url, freeze_now, member_diary_url, result_ids, snapshot
from conftest import authenticated_client
from movies.models import Movie
from movies.ratings import no_ratings
from movies.tests.helpers import assert_error
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

# 11:30 UTC on 15 June: already 16 June in Kiritimati (UTC+14), still 14 June in Etc/GMT+12 (UTC-12).
NOW = datetime.datetime(2024, 6, 15, 11, 30, tzinfo=datetime.UTC)
EAST, WEST = "Pacific/Kiritimati", "Etc/GMT+12"


def log(client, movie, **fields):
    return client.post(DIARY_URL, {"movie": movie.pk, **fields}, format="json")


def aggregates(movie: Movie) -> tuple[float, int]:
    movie.refresh_from_db()
    return movie.avg_rating, movie.review_count


# --- Logging, and the review a rating makes ---------------------------------------------------


def test_logging_a_viewing_returns_the_entry(user_client, user, movie):
    response = log(user_client, movie, watched_on="2024-05-04", rewatch=True)

    assert response.status_code == 201, response.content
    body = response.json()
    entry = DiaryEntry.objects.get()
    assert body["id"] == entry.pk
    assert (entry.user, entry.movie, str(entry.watched_on), entry.rewatch) == (user, movie, "2024-05-04", True)
    assert body["watched_on"] == "2024-05-04"
    assert body["rewatch"] is True
    assert body["rating"] is None
    assert body["review"] is None
    assert body["movie"]["id"] == movie.pk
    assert body["movie"]["title"] == movie.title
    assert not Review.objects.exists()


def test_logging_with_a_rating_and_text_creates_the_review_and_links_it(user_client, user, movie):
    response = log(user_client, movie, rating=4, review_text="Better the second time.")

    assert response.status_code == 201, response.content
    review = Review.objects.get()
    assert (review.user, review.movie, review.rating, review.body) == (user, movie, 4, "Better the second time.")
    assert response.json()["review"] == review.pk
    assert response.json()["rating"] == 4
    assert DiaryEntry.objects.get().review == review
    assert aggregates(movie) == (4, 1)


def test_a_second_log_with_another_rating_updates_the_same_review(user_client, user, movie):
    ReviewFactory(movie=movie, rating=5)  # Someone else's.
    first = log(user_client, movie, rating=4, watched_on="2024-01-01", review_text="First take.").json()
    assert aggregates(movie) == (4.5, 2)

    second = log(user_client, movie, rating=2, watched_on="2024-02-01", rewatch=True).json()

    assert second["review"] == first["review"]
    assert DiaryEntry.objects.filter(user=user, movie=movie).count() == 2
    assert Review.objects.filter(user=user, movie=movie).count() == 1
    review = Review.objects.get(pk=first["review"])
    assert (review.rating, review.body) == (2, "First take.")  # No text sent: the review keeps its words.
    assert aggregates(movie) == (3.5, 2)
    movie.refresh_from_db()
    assert movie.rating_distribution == {**no_ratings(), "2": 1, "5": 1}


def test_half_star_logs_reach_the_review_and_other_values_are_400(user_client, user, movie):
    entry = log(user_client, movie, rating=3.5).json()
    assert entry["rating"] == 3.5
    assert Review.objects.get(user=user, movie=movie).rating == 3.5

    for bad in (0, 0.3, 5.5, 4.25, True, "abc"):
        response = user_client.post(DIARY_URL, {"movie": movie.pk, "rating": bad}, format="json")
        assert response.status_code == 400, bad
        assert "steps of 0.5" in str(response.json())
    assert DiaryEntry.objects.count() == 1


def test_logging_without_a_rating_leaves_an_existing_review_alone(user_client, user, movie):
    review = ReviewFactory(user=user, movie=movie, rating=3, body="Kept.")

    body = log(user_client, movie).json()

    assert body["review"] is None
    review.refresh_from_db()
    assert (review.rating, review.body) == (3, "Kept.")


def test_review_text_alone_goes_to_the_existing_review_with_its_rating(user_client, user, movie):
    review = ReviewFactory(user=user, movie=movie, rating=3, body="Old words.")

    body = log(user_client, movie, review_text="New words.").json()

    review.refresh_from_db()
    assert (review.rating, review.body) == (3, "New words.")
    assert body["review"] == review.pk
    assert aggregates(movie) == (3, 1)


def test_review_text_without_a_rating_and_without_a_review_is_400_and_writes_nothing(user_client, movie):
    before = snapshot()

    response = log(user_client, movie, review_text="Nothing to hang it on.")

    body = assert_error(response, 400, fields=("rating",))
    assert body["errors"]["rating"] == [REVIEW_NEEDS_RATING_MESSAGE]
    assert snapshot() == before
    assert not DiaryEntry.objects.exists()


def test_many_entries_for_one_movie_are_kept(user_client, user, movie):
    for day in ("2024-01-01", "2024-01-02", "2024-01-02"):
        assert log(user_client, movie, watched_on=day).status_code == 201

    assert DiaryEntry.objects.filter(user=user, movie=movie).count() == 3


# --- Changing and deleting entries ------------------------------------------------------------


def test_deleting_an_entry_keeps_its_review_and_the_movie_numbers(user_client, movie):
    entry = log(user_client, movie, rating=4).json()

    response = user_client.delete(entry_url(entry["id"]))

    assert response.status_code == 204
    assert not DiaryEntry.objects.exists()
    assert Review.objects.filter(pk=entry["review"], rating=4).exists()
    assert aggregates(movie) == (4, 1)


def test_patching_the_rating_updates_the_review_and_the_movie(user_client, user, movie):
    ReviewFactory(movie=movie, rating=1)
    entry = log(user_client, movie, rating=4).json()

    response = user_client.patch(entry_url(entry["id"]), {"rating": 3}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["rating"] == 3
    assert response.json()["review"] == entry["review"]
    assert Review.objects.get(pk=entry["review"]).rating == 3
    assert aggregates(movie) == (2, 2)


def test_patching_a_rating_onto_an_entry_without_one_creates_the_review(user_client, user, movie):
    entry = log(user_client, movie).json()

    body = user_client.patch(entry_url(entry["id"]), {"rating": 5}, format="json").json()

    review = Review.objects.get(user=user, movie=movie)
    assert body["review"] == review.pk
    assert review.rating == 5
    assert aggregates(movie) == (5, 1)


def test_clearing_the_entry_rating_keeps_the_review(user_client, movie):
    entry = log(user_client, movie, rating=4, review_text="Still stands.").json()

    response = user_client.patch(entry_url(entry["id"]), {"rating": None}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["rating"] is None
    assert DiaryEntry.objects.get().rating is None
    review = Review.objects.get(pk=entry["review"])
    assert (review.rating, review.body) == (4, "Still stands.")
    assert aggregates(movie) == (4, 1)


def test_clearing_the_entry_rating_with_new_text_saves_the_text_under_the_reviews_rating(user_client, movie):
    entry = log(user_client, movie, rating=4, review_text="First thoughts.").json()

    response = user_client.patch(
        entry_url(entry["id"]), {"rating": None, "review_text": "Second thoughts."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["rating"] is None
    review = Review.objects.get(pk=entry["review"])
    assert (review.rating, review.body) == (4, "Second thoughts.")


def test_patching_only_the_date_leaves_rating_and_review_as_they_were(user_client, movie):
    entry = log(user_client, movie, rating=4, watched_on="2024-01-01").json()

    body = user_client.patch(
        entry_url(entry["id"]), {"watched_on": "2023-12-31", "rewatch": True}, format="json"
    ).json()

    assert (body["watched_on"], body["rewatch"], body["rating"], body["review"]) == (
        "2023-12-31",
        True,
        4,
        entry["review"],
    )
    assert Review.objects.get(pk=entry["review"]).rating == 4


def test_put_is_not_offered(user_client, movie):
    entry = log(user_client, movie).json()

    response = user_client.put(entry_url(entry["id"]), {"movie": movie.pk, "rewatch": True}, format="json")

    assert_error(response, 405)
    assert DiaryEntry.objects.get().rewatch is False


# --- Dates in the member's time zone ----------------------------------------------------------


@pytest.mark.parametrize(("time_zone", "today"), [(EAST, "2024-06-16"), (WEST, "2024-06-14"), ("UTC", "2024-06-15")])
def test_the_default_date_is_today_in_the_members_time_zone(monkeypatch, movie, time_zone, today):
    freeze_now(monkeypatch, NOW)
    client = authenticated_client(UserFactory(time_zone=time_zone))

    response = log(client, movie)

    assert response.status_code == 201, response.content
    assert response.json()["watched_on"] == today
    assert str(DiaryEntry.objects.get().watched_on) == today


@pytest.mark.parametrize(
    ("time_zone", "day", "accepted"),
    [
        (EAST, "2024-06-17", True),  # Tomorrow there, the day after tomorrow in UTC.
        (EAST, "2024-06-18", False),
        (WEST, "2024-06-15", True),  # Tomorrow there, today in UTC.
        (WEST, "2024-06-16", False),  # Tomorrow in UTC, but the day after tomorrow there.
        ("UTC", "2024-06-16", True),
        ("UTC", "2024-06-17", False),
        ("UTC", "2024-06-15", True),
        ("UTC", "1999-01-01", True),
    ],
)
def test_a_viewing_may_be_logged_up_to_tomorrow_in_the_members_time_zone(monkeypatch, movie, time_zone, day, accepted):
    freeze_now(monkeypatch, NOW)
    client = authenticated_client(UserFactory(time_zone=time_zone))
    before = snapshot()

    response = log(client, movie, watched_on=day, rating=4)

    if accepted:
        assert response.status_code == 201, response.content
        assert response.json()["watched_on"] == day
        return
    body = assert_error(response, 400, fields=("watched_on",))
    assert body["errors"]["watched_on"] == [FUTURE_DATE_MESSAGE]
    assert snapshot() == before


def test_patching_a_date_later_than_tomorrow_is_400_and_changes_nothing(monkeypatch, movie):
    freeze_now(monkeypatch, NOW)
    client = authenticated_client(UserFactory(time_zone=WEST))
    entry = log(client, movie, watched_on="2024-06-01", rating=4).json()
    before = snapshot()

    response = client.patch(entry_url(entry["id"]), {"watched_on": "2024-06-16", "rating": 2}, format="json")

    assert_error(response, 400, fields=("watched_on",))
    assert snapshot() == before


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("movie_id", [987654, 0, -1, HUGE_ID, "abc", None, ""])
def test_an_unknown_or_malformed_movie_is_400_and_writes_nothing(user_client, movie, movie_id):
    before = snapshot()

    response = user_client.post(DIARY_URL, {"movie": movie_id, "rating": 4}, format="json")

    assert_error(response, 400, fields=("movie",))
    assert snapshot() == before


def test_the_movie_is_required(user_client, movie):
    assert_error(user_client.post(DIARY_URL, {"rating": 4}, format="json"), 400, fields=("movie",))
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize(
    "extra", [{"user": 1}, {"review": 1}, {"review_body": "x"}, {"id": 5}, {"created_at": "2024-01-01T00:00:00Z"}]
)
def test_unknown_fields_are_400_and_write_nothing(user_client, other_user, movie, extra):
    before = snapshot()

    response = log(user_client, movie, rating=4, **extra)

    assert_error(response, 400, fields=tuple(extra))
    assert snapshot() == before


@pytest.mark.parametrize("extra", [{"movie": 1}, {"user": 1}, {"review": None}, {"comment": "x"}])
def test_unknown_fields_in_a_patch_are_400_and_change_nothing(user_client, movie, extra):
    entry = log(user_client, movie, rating=4).json()
    before = snapshot()

    response = user_client.patch(entry_url(entry["id"]), {"rating": 2, **extra}, format="json")

    assert_error(response, 400, fields=tuple(extra))
    assert snapshot() == before


@pytest.mark.parametrize(
    "fields",
    [
        {"watched_on": "yesterday"},
        {"watched_on": "2024-02-30"},
        {"watched_on": 20240101},
        {"rewatch": "sometimes"},
        {"rating": "great"},
        {"review_text": "x" * 10001, "rating": 4},
    ],
)
def test_malformed_values_are_400_and_write_nothing(user_client, movie, fields):
    before = snapshot()

    response = log(user_client, movie, **fields)

    assert_error(response, 400, fields=(next(iter(fields)),))
    assert snapshot() == before


def test_a_body_that_is_not_an_object_is_400(user_client, movie):
    assert_error(user_client.post(DIARY_URL, [movie.pk], format="json"), 400)
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize("entry_id", [HUGE_ID, "987654", "abc", "0"])
def test_unknown_entries_are_404(user_client, movie, entry_id):
    log(user_client, movie)

    for method in ("get", "patch", "delete"):
        response = getattr(user_client, method)(entry_url(entry_id), {"rewatch": True}, format="json")
        assert_error(response, 404, code="not_found")
    assert DiaryEntry.objects.get().rewatch is False


# --- Listing, filters and ordering ------------------------------------------------------------


@pytest.fixture
def diary(user, user_client):
    """Five entries over two years and two films; returns {name: entry id}."""
    first, second = MovieFactory(), MovieFactory()
    days = {
        "a": (first, "2023-12-31"),
        "b": (first, "2024-01-15"),
        "c": (second, "2024-01-20"),
        "d": (second, "2024-03-02"),
        "e": (first, "2024-03-02"),
    }
    ids = {name: log(user_client, movie, watched_on=day).json()["id"] for name, (movie, day) in days.items()}
    DiaryEntry.objects.create(user=UserFactory(), movie=first, watched_on="2024-01-15")  # Someone else's.
    return {"ids": ids, "first": first, "second": second}


def test_the_diary_lists_own_entries_newest_first(user_client, diary):
    ids = diary["ids"]

    response = user_client.get(DIARY_URL)

    assert response.json()["count"] == 5
    # Same day: the later entry first.
    assert result_ids(response) == [ids["e"], ids["d"], ids["c"], ids["b"], ids["a"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2024}, ["e", "d", "c", "b"]),
        ({"year": 2023}, ["a"]),
        ({"year": 2024, "month": 1}, ["c", "b"]),
        ({"month": 3}, ["e", "d"]),
        ({"month": 12}, ["a"]),
        ({"year": 2022}, []),
        # Ties end on the newest entry whatever the direction (the project's StrictOrderingFilter adds -pk).
        ({"ordering": "watched_on"}, ["a", "b", "c", "e", "d"]),
        ({"ordering": "-watched_on"}, ["e", "d", "c", "b", "a"]),
    ],
)
def test_diary_filters_and_ordering(user_client, diary, params, expected):
    response = user_client.get(DIARY_URL, params)

    assert response.status_code == 200, response.content
    assert result_ids(response) == [diary["ids"][name] for name in expected]


def test_the_movie_filter(user_client, diary):
    ids = diary["ids"]

    assert result_ids(user_client.get(DIARY_URL, {"movie": diary["second"].pk})) == [ids["d"], ids["c"]]
    assert result_ids(user_client.get(DIARY_URL, {"movie": 987654})) == []


def test_the_public_diary_filters_the_same_way(api_client, user, diary):
    ids = diary["ids"]

    response = api_client.get(member_diary_url(user.username), {"year": 2024, "movie": diary["first"].pk})

    assert result_ids(response) == [ids["e"], ids["b"]]
    assert result_ids(api_client.get(member_diary_url(user.username), {"ordering": "watched_on"}))[0] == ids["a"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "2024.5"}, "year"),
        ({"year": 0}, "year"),
        ({"year": 10000}, "year"),
        ({"year": HUGE_ID}, "year"),
        ({"month": 0}, "month"),
        ({"month": 13}, "month"),
        ({"month": "march"}, "month"),
        ({"movie": "abc"}, "movie"),
        ({"movie": 0}, "movie"),
        ({"movie": HUGE_ID}, "movie"),
        ({"ordering": "rating"}, "ordering"),
        ({"ordering": "created_at"}, "ordering"),
    ],
)
def test_bad_filters_are_400(user_client, user, diary, params, field):
    assert_error(user_client.get(DIARY_URL, params), 400, fields=(field,))
    assert_error(user_client.get(member_diary_url(user.username), params), 400, fields=(field,))
