"""A member's diary by month and their watchlist: privacy as in the API, and taking films off in place."""

import datetime

import pytest
from django.urls import reverse

from activity.models import WatchlistEntry
from activity.services import diary_entry_create, movie_mark
from follows.services import block_create
from tests.factories import MovieFactory
from web.tests.people_fixtures import HTMX, PEOPLE, Cast, history, make_cast, messages_of, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


DIARY = reverse("web:diary", args=["owner"])
WATCHLIST = reverse("web:watchlist", args=["owner"])


def log(member, *days: datetime.date, **fields):
    return [diary_entry_create(user=member, movie=MovieFactory(), watched_on=day, **fields) for day in days]


@pytest.mark.parametrize("who", PEOPLE)
def test_a_public_diary_is_grouped_by_month_newest_first(cast: Cast, who):
    log(cast.owner, datetime.date(2026, 3, 2), datetime.date(2026, 3, 20))
    log(cast.owner, datetime.date(2026, 1, 9), rewatch=True, rating=4.5)

    response = cast.client(who).get(DIARY)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("March 2026") < html.index("January 2026")
    assert html.count('class="diary-month"') == 2
    assert "Rewatch</span>" in html and "4.5 of 5 stars" in html
    assert [month.month for month in response.context["months"]] == [3, 1]


def test_a_month_shows_its_entries_with_links_to_the_months_around_it(cast: Cast):
    log(cast.owner, datetime.date(2026, 3, 2), datetime.date(2026, 2, 14), datetime.date(2025, 12, 24))

    response = cast.client("other").get(DIARY, {"month": "2026-02"})

    assert [entry.watched_on for entry in response.context["entries"]] == [datetime.date(2026, 2, 14)]
    assert response.context["newer_month"] == datetime.date(2026, 3, 1)
    assert response.context["older_month"] == datetime.date(2025, 12, 1)
    html = response.content.decode()
    assert "?month=2026-03" in html and "?month=2025-12" in html
    assert '<option value="2026-02" selected>' in html


def test_a_month_without_entries_says_so_and_a_malformed_one_is_a_400(cast: Cast):
    log(cast.owner, datetime.date(2026, 3, 2))

    empty = cast.client("other").get(DIARY, {"month": "2020-05"})
    malformed = cast.client("other").get(DIARY, {"month": "2020-13"})

    assert "Nothing logged in May 2020." in empty.content.decode()
    assert malformed.status_code == 400
    assert "Pick a month, as YYYY-MM" in malformed.content.decode()


def test_a_long_diary_pages_by_fifty(cast: Cast):
    day = datetime.date(2026, 1, 1)
    log(cast.owner, *[day - datetime.timedelta(days=n) for n in range(51)])

    first = cast.client("other").get(DIARY)
    second = cast.client("other").get(DIARY, {"page": 2})

    assert len(first.context["entries"]) == 50 and "?page=2" in first.content.decode()
    assert len(second.context["entries"]) == 1


@pytest.mark.parametrize("who", ["anonymous", "other", "admin"])
def test_a_private_diary_is_a_404_to_everyone_but_its_owner(cast: Cast, who):
    log(cast.owner, datetime.date(2026, 3, 2))
    cast.owner.diary_public = False
    cast.owner.save()

    assert cast.client(who).get(DIARY).status_code == 404
    own = cast.client("owner").get(DIARY)
    assert own.status_code == 200 and "Private: only you see it." in own.content.decode()


def test_a_diary_across_a_block_is_a_404_both_ways(cast: Cast):
    log(cast.owner, datetime.date(2026, 3, 2))
    block_create(blocker=cast.owner, blocked=cast.other)

    assert cast.client("other").get(DIARY).status_code == 404
    assert cast.client("owner").get(reverse("web:diary", args=["other"])).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "owner"])
@pytest.mark.parametrize("size", [1, 5])
def test_the_diary_reads_in_a_fixed_number_of_queries(cast: Cast, who, size):
    history(cast.owner, size)

    # Session, user and badge when logged in; the member, the months, the count and the page.
    assert queries_of(cast.client(who), DIARY) == {"anonymous": 4, "owner": 7}[who]
    assert queries_of(cast.client(who), DIARY + "?month=2026-11") == {"anonymous": 3, "owner": 6}[who]


# --- watchlist ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_a_public_watchlist_shows_its_films_and_only_its_owner_can_take_them_off(cast: Cast, who):
    movie = MovieFactory(title="Heat <1995>")
    movie_mark(model=WatchlistEntry, user=cast.owner, movie=movie)

    response = cast.client(who).get(WATCHLIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Heat &lt;1995&gt;" in html and "Heat <1995>" not in html
    assert (reverse("web:watchlist-remove", args=[movie.pk]) in html) == (who == "owner")


@pytest.mark.parametrize("who", ["anonymous", "other", "admin"])
def test_a_private_watchlist_is_a_404_to_everyone_but_its_owner(cast: Cast, who):
    cast.owner.watchlist_public = False
    cast.owner.save()

    assert cast.client(who).get(WATCHLIST).status_code == 404
    assert cast.client("owner").get(WATCHLIST).status_code == 200
    profile = cast.client(who).get(reverse("web:profile", args=["owner"])).content.decode()
    assert WATCHLIST not in profile


def test_the_watchlist_flags_the_films_watched_since(cast: Cast):
    movie = MovieFactory()
    movie_mark(model=WatchlistEntry, user=cast.owner, movie=movie)
    diary_entry_create(user=cast.owner, movie=movie, watched_on=datetime.date(2026, 3, 1))

    response = cast.client("other").get(WATCHLIST)

    assert response.context["entries"][0].watched is True
    assert ">Watched</span>" in response.content.decode()


def test_taking_a_film_off_without_javascript_comes_back_with_a_message(cast: Cast):
    movie = MovieFactory(title="Heat")
    movie_mark(model=WatchlistEntry, user=cast.owner, movie=movie)

    response = cast.client("owner").post(reverse("web:watchlist-remove", args=[movie.pk]))

    assert response.status_code == 302 and response["Location"] == WATCHLIST
    assert messages_of(response) == ["Heat is off your watchlist."]
    assert not WatchlistEntry.objects.exists()


def test_taking_a_film_off_with_htmx_answers_a_note_in_its_place(cast: Cast):
    movie = MovieFactory(title="Heat")
    movie_mark(model=WatchlistEntry, user=cast.owner, movie=movie)

    response = cast.client("owner").post(reverse("web:watchlist-remove", args=[movie.pk]), **HTMX)

    html = response.content.decode()
    assert f'id="watchlist-{movie.pk}"' in html and "data-autofocus" in html and "<html" not in html
    assert 'hx-swap-oob="innerHTML"' in html and "Heat is off your watchlist." in html
    assert not WatchlistEntry.objects.exists()


def test_taking_a_film_off_touches_only_your_own_watchlist(cast: Cast):
    movie = MovieFactory()
    movie_mark(model=WatchlistEntry, user=cast.owner, movie=movie)
    url = reverse("web:watchlist-remove", args=[movie.pk])

    assert cast.client("anonymous").post(url)["Location"].startswith(reverse("web:login"))
    assert cast.client("admin").post(url).status_code == 302
    assert cast.client("other").get(url).status_code == 405
    assert cast.client("other").post(reverse("web:watchlist-remove", args=[2**63])).status_code == 404
    assert WatchlistEntry.objects.filter(user=cast.owner).exists()


@pytest.mark.parametrize("who", ["anonymous", "owner"])
@pytest.mark.parametrize("size", [1, 5])
def test_the_watchlist_reads_in_a_fixed_number_of_queries(cast: Cast, who, size):
    history(cast.owner, size)

    # Session, user and badge when logged in; the member, the count, the page and the watched flags.
    assert queries_of(cast.client(who), WATCHLIST) == {"anonymous": 4, "owner": 7}[who]
