"""Merging matched history rows into a member's history: what is written, what stays, what is counted."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from activity.models import DiaryEntry, MovieLike, WatchedMark, WatchlistEntry
from feed.models import Event
from imports.history.rows import Fact, FilmRef, HistoryRow, ListInfo
from imports.history.writer import LIST_FULL, REVIEW_NEEDS_RATING, MatchedRow, Merge
from lists.models import FilmList, ListItem
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 14)


def row(fact: Fact, movie, line: int = 2, **fields) -> MatchedRow:
    return MatchedRow(
        HistoryRow(file="f.csv", line=line, fact=fact, film=FilmRef(title=movie.title), **fields), movie.pk
    )


def merge(user, rows, **options):
    return Merge(user=user, **options).write(rows)


@pytest.fixture
def member():
    return UserFactory(time_zone="Europe/Amsterdam")


@pytest.fixture
def films():
    return MovieFactory.create_batch(3)


def history(user) -> dict:
    """Everything the writer may touch, as comparable values."""
    return {
        "reviews": sorted(Review.objects.filter(user=user).values_list("movie_id", "rating", "body", "created_at")),
        "diary": sorted(
            DiaryEntry.objects.filter(user=user).values_list("movie_id", "watched_on", "rewatch", "rating", "review_id")
        ),
        "watched": sorted(WatchedMark.objects.filter(user=user).values_list("movie_id", "created_at")),
        "watchlist": sorted(WatchlistEntry.objects.filter(user=user).values_list("movie_id", "created_at")),
        "likes": sorted(MovieLike.objects.filter(user=user).values_list("movie_id", flat=True)),
        "lists": sorted(FilmList.objects.filter(owner=user).values_list("name", "description", "item_count")),
        "items": sorted(
            ListItem.objects.filter(film_list__owner=user).values_list("film_list__name", "position", "movie_id")
        ),
    }


def test_a_rating_becomes_a_review_dated_at_noon_on_the_source_day_in_the_members_zone(member, films):
    outcome = merge(member, [row(Fact.RATING, films[0], rating=3.5, date=DAY)])

    review = Review.objects.get(user=member)
    assert (review.movie_id, review.rating, review.body) == (films[0].pk, 3.5, "")
    assert review.created_at == datetime.datetime(2021, 3, 14, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))
    films[0].refresh_from_db()
    assert (films[0].review_count, films[0].avg_rating) == (1, 3.5)
    assert (outcome.imported, outcome.already_present, outcome.skipped) == (1, 0, [])


def test_a_review_row_fills_in_the_text_of_the_rating_read_before_it(member, films):
    outcome = merge(
        member,
        [row(Fact.RATING, films[0], rating=4.0, date=DAY), row(Fact.REVIEW, films[0], rating=4.0, review="Loved it")],
    )

    assert list(Review.objects.filter(user=member).values_list("rating", "body")) == [(4.0, "Loved it")]
    assert outcome.imported == 2


def test_what_the_member_has_stays_unless_the_files_ratings_should_win(member, films):
    ReviewFactory(user=member, movie=films[0], rating=2.0, body="Mine")

    kept = merge(member, [row(Fact.RATING, films[0], rating=5.0), row(Fact.REVIEW, films[0], review="Theirs")])
    assert list(Review.objects.filter(user=member).values_list("rating", "body")) == [(2.0, "Mine")]
    assert (kept.imported, kept.already_present) == (0, 2)

    overwritten = merge(member, [row(Fact.RATING, films[0], rating=5.0)], overwrite_ratings=True)
    assert list(Review.objects.filter(user=member).values_list("rating", "body")) == [(5.0, "Mine")]
    assert overwritten.imported == 1
    films[0].refresh_from_db()
    assert films[0].avg_rating == 5.0


def test_a_review_without_a_rating_for_a_film_never_rated_is_skipped_with_the_reason(member, films):
    outcome = merge(member, [row(Fact.REVIEW, films[0], review="No stars given")])

    assert not Review.objects.exists()
    assert [(skipped.fact, reason) for skipped, reason in outcome.skipped] == [(Fact.REVIEW, REVIEW_NEEDS_RATING)]


def test_diary_rows_become_entries_once_each_linked_to_the_review_they_rate(member, films):
    rows = [
        row(Fact.RATING, films[0], rating=3.0, date=DAY),
        row(Fact.DIARY, films[0], watched_on=DAY, rating=3.0),
        row(Fact.DIARY, films[0], line=3, watched_on=DAY + datetime.timedelta(days=9), rewatch=True, rating=4.0),
        row(Fact.DIARY, films[1], watched_on=DAY, rating=2.5),  # rated only in the diary: the review is made
        row(Fact.DIARY, films[2], watched_on=DAY),  # unrated: no review
        row(Fact.DIARY, films[2], line=4, watched_on=DAY),  # the same viewing twice: once
    ]
    outcome = merge(member, rows)

    reviews = dict(Review.objects.filter(user=member).values_list("movie_id", "pk"))
    assert sorted(reviews) == [films[0].pk, films[1].pk]
    assert Review.objects.get(pk=reviews[films[0].pk]).rating == 3.0  # the rating row, not the later viewing's
    assert Review.objects.get(pk=reviews[films[1].pk]).rating == 2.5
    assert sorted(
        DiaryEntry.objects.filter(user=member).values_list("movie_id", "rewatch", "rating", "review_id")
    ) == sorted(
        [
            (films[0].pk, False, 3.0, reviews[films[0].pk]),
            (films[0].pk, True, 4.0, reviews[films[0].pk]),
            (films[1].pk, False, 2.5, reviews[films[1].pk]),
            (films[2].pk, False, None, None),
        ]
    )
    assert (outcome.imported, outcome.already_present) == (5, 1)


def test_a_watched_row_of_a_film_already_reviewed_or_logged_adds_no_mark(member, films):
    ReviewFactory(user=member, movie=films[0])
    DiaryEntry.objects.create(user=member, movie=films[1], watched_on=DAY)

    outcome = merge(member, [row(Fact.WATCHED, film, date=DAY) for film in films])

    marks = list(WatchedMark.objects.filter(user=member).values_list("movie_id", "created_at"))
    assert marks == [(films[2].pk, datetime.datetime(2021, 3, 14, 12, tzinfo=ZoneInfo("Europe/Amsterdam")))]
    assert (outcome.imported, outcome.already_present) == (1, 2)


def test_watchlist_rows_and_liked_films_keep_their_dates_and_like_counts_move_once(member, films):
    WatchlistEntry.objects.create(user=member, movie=films[0])

    outcome = merge(
        member,
        [
            row(Fact.WATCHLIST, films[0], date=DAY),
            row(Fact.WATCHLIST, films[1], date=DAY),
            row(Fact.LIKE, films[2], date=DAY),
            row(Fact.LIKE, films[2], line=3, date=DAY),
        ],
    )

    assert sorted(WatchlistEntry.objects.filter(user=member).values_list("movie_id", flat=True)) == [
        films[0].pk,
        films[1].pk,
    ]
    assert WatchlistEntry.objects.get(user=member, movie=films[1]).created_at.date() == DAY
    films[2].refresh_from_db()
    assert films[2].like_count == 1
    assert (outcome.imported, outcome.already_present) == (2, 2)


def test_list_rows_make_a_list_in_the_files_order_and_a_second_chunk_appends_to_it(member, films):
    info = ListInfo(name="Rainy days", description="Cosy.", ranked=True)
    first = merge(
        member,
        [
            row(Fact.LIST_ITEM, films[1], film_list=info, position=2),
            row(Fact.LIST_ITEM, films[0], film_list=info, position=1),
        ],
    )
    second = merge(member, [row(Fact.LIST_ITEM, films[2], film_list=info, position=4)])

    film_list = FilmList.objects.get(owner=member)
    assert (film_list.name, film_list.description, film_list.ranked, film_list.item_count) == (
        "Rainy days",
        "Cosy.",
        True,
        3,
    )
    assert list(film_list.items.values_list("position", "movie_id")) == [
        (1, films[0].pk),
        (2, films[1].pk),
        (3, films[2].pk),
    ]
    assert (first.imported, second.imported) == (2, 1)


def test_a_full_list_takes_no_more_films(member, films, monkeypatch):
    monkeypatch.setattr("imports.history.writer.MAX_ITEMS", 2)
    info = ListInfo(name="Short")

    outcome = merge(member, [row(Fact.LIST_ITEM, film, film_list=info, position=n) for n, film in enumerate(films, 1)])

    assert FilmList.objects.get(owner=member).item_count == 2
    assert [reason for _, reason in outcome.skipped] == [LIST_FULL]


def test_merging_the_same_rows_again_writes_nothing_and_counts_every_row_as_already_present(member, films):
    info = ListInfo(name="Best")
    rows = [
        row(Fact.RATING, films[0], rating=4.5, date=DAY),
        row(Fact.REVIEW, films[0], rating=4.5, review="Great"),
        row(Fact.DIARY, films[0], watched_on=DAY, rating=4.5),
        row(Fact.WATCHED, films[1], date=DAY),
        row(Fact.WATCHLIST, films[2], date=DAY),
        row(Fact.LIKE, films[0], date=DAY),
        row(Fact.LIST_ITEM, films[1], film_list=info, position=1),
    ]
    merge(member, rows)
    before = history(member)

    again = merge(member, rows)

    assert history(member) == before
    assert (again.imported, again.already_present, again.skipped) == (0, len(rows), [])


def test_imported_history_sends_nothing_to_followers_feeds(member, films):
    merge(member, [row(Fact.RATING, films[0], rating=4.0), row(Fact.DIARY, films[1], watched_on=DAY, rating=3.0)])

    assert not Event.objects.filter(actor=member, kind__in=["review", "diary_entry"]).exists()
