"""Browse and search films, genres and a genre's films: the API's filters, sorting, pages, htmx partials, query
counts."""

import datetime
import re

import pytest
from django.urls import reverse

from activity.models import WatchlistEntry
from activity.services import movie_mark
from movies.services import genre_stats_refresh
from tests.factories import GenreFactory, MovieFactory, ReviewFactory, UserFactory
from web.films.browse import PAGE_SIZE

pytestmark = pytest.mark.django_db

FILMS = reverse("web:films")


def titles(response) -> list[str]:
    return [film.title for film in response.context["page_obj"].object_list]


def film(title: str, year: int, genres=(), ratings=()):
    # A fixed description: the factory's random words could match a search ("ali" in "alias").
    movie = MovieFactory(
        title=title, release_date=datetime.date(year, 6, 1), genres=list(genres), description="A film."
    )
    for rating in ratings:
        ReviewFactory(movie=movie, rating=rating)
    movie.refresh_from_db()
    return movie


@pytest.fixture
def catalogue():
    return {
        "alien": film("Alien", 1979, ["Horror", "Sci-Fi"], [5, 4]),
        "arrival": film("Arrival", 2016, ["Sci-Fi", "Drama"], [4]),
        "heat": film("Heat", 1995, ["Crime"], [3, 3, 2]),
        "up": film("Up", 2009, ["Animation"], []),
    }


def test_the_films_page_lists_the_most_popular_first_with_a_count(client, catalogue):
    response = client.get(FILMS)

    assert response.status_code == 200
    assert titles(response) == ["Heat", "Alien", "Arrival", "Up"]
    html = response.content.decode()
    assert "4 films" in html
    assert 'id="film-results"' in html
    assert "<!doctype html>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ali"}, ["Alien"]),
        ({"genre": "sci-fi"}, ["Alien", "Arrival"]),
        ({"decade": "1990"}, ["Heat"]),
        ({"year_min": "1990", "year_max": "2010"}, ["Heat", "Up"]),
        ({"rating_min": "4"}, ["Alien", "Arrival"]),
        ({"genre": "sci-fi", "decade": "1970"}, ["Alien"]),
    ],
)
def test_filters(client, catalogue, query, expected):
    assert sorted(titles(client.get(FILMS, query))) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("popular", ["Heat", "Alien", "Arrival", "Up"]),
        ("rating", ["Alien", "Arrival", "Heat", "Up"]),
        ("newest", ["Arrival", "Up", "Heat", "Alien"]),
        ("title", ["Alien", "Arrival", "Heat", "Up"]),
        ("no-such-sort", ["Heat", "Alien", "Arrival", "Up"]),
    ],
)
def test_sorting(client, catalogue, sort, expected):
    assert titles(client.get(FILMS, {"sort": sort})) == expected


@pytest.mark.parametrize(
    ("site", "api"),
    [
        ({"q": "e"}, {"search": "e"}),
        ({"genre": "sci-fi", "rating_min": "4.5"}, {"genre": "sci-fi", "rating_min": "4.5"}),
        ({"year_min": "1980", "year_max": "2020"}, {"year_min": "1980", "year_max": "2020"}),
        ({"decade": "2000"}, {"year_min": "2000", "year_max": "2009"}),
    ],
)
def test_the_site_filters_as_the_api_does(client, catalogue, site, api):
    page = client.get(FILMS, {**site, "sort": "title"})
    listed = client.get("/api/movies/", {**api, "ordering": "title"}).json()["results"]

    assert titles(page) == [row["title"] for row in listed]


def test_active_filters_show_with_links_that_remove_each(client, catalogue):
    response = client.get(FILMS, {"q": "a", "genre": "sci-fi", "sort": "title"})

    filters = {item["name"]: item for item in response.context["active_filters"]}
    assert filters["genre"]["value"] == "Sci-Fi"
    assert filters["genre"]["remove"] == f"{FILMS}?q=a&sort=title"
    assert filters["q"]["remove"] == f"{FILMS}?genre=sci-fi&sort=title"
    html = response.content.decode()
    assert "Genre: Sci-Fi" in html
    assert "Clear all filters" in html


def test_a_filter_the_api_refuses_is_shown_and_lists_nothing(client, catalogue):
    response = client.get(FILMS, {"year_min": "1200"})

    assert response.status_code == 400
    assert titles(response) == []
    assert response.context["errors"] == {"From": ["Ensure this value is greater than or equal to 1870."]}
    assert "Please change these filters" in response.content.decode()


def test_htmx_gets_only_the_results_region_and_the_count_out_of_band(client, catalogue):
    response = client.get(FILMS, {"q": "ali"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<!doctype html>" not in html
    assert "<html" not in html
    assert 'id="result-count" hx-swap-oob="innerHTML"' in html
    assert "Alien" in html and "Heat" not in html
    assert "HX-Request" in response["Vary"]


def test_a_refused_filter_still_swaps_in_with_htmx(client, catalogue):
    response = client.get(FILMS, {"rating_min": "9"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Please change these filters" in response.content.decode()


def test_an_htmx_history_restore_gets_the_whole_page(client, catalogue):
    response = client.get(FILMS, {"q": "ali"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<!doctype html>" in response.content.decode()


def test_the_search_box_searches_as_you_type_and_works_without_javascript(client, catalogue):
    html = client.get(FILMS).content.decode()

    form = re.search(r'<form class="film-filters[^>]*>', html).group(0)
    assert 'method="get"' in form and f'action="{FILMS}"' in form
    search = re.search(r'<input type="search" id="film-q"[^>]*>', html).group(0)
    assert f'hx-get="{FILMS}"' in search
    assert 'hx-trigger="input changed delay:250ms, search"' in search
    assert 'hx-push-url="true"' in form and 'hx-target="#film-results"' in form


def test_pages_of_films_link_to_each_other_keeping_the_filters(client):
    MovieFactory.create_batch(PAGE_SIZE + 2, genres=["Drama"])

    first = client.get(FILMS, {"genre": "drama"})
    second = client.get(FILMS, {"genre": "drama", "page": 2})

    assert len(titles(first)) == PAGE_SIZE and len(titles(second)) == 2
    assert f"{FILMS}?genre=drama&amp;page=2" in first.content.decode()
    assert 'aria-current="page">2<' in second.content.decode()


def test_titles_are_escaped(client):
    MovieFactory(title="<script>alert(1)</script>")

    html = client.get(FILMS).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_member_sees_their_rating_and_watchlist_on_the_cards(client, catalogue):
    member = UserFactory()
    ReviewFactory(user=member, movie=catalogue["up"], rating=4.5)
    movie_mark(model=WatchlistEntry, user=member, movie=catalogue["heat"])
    client.force_login(member)

    html = client.get(FILMS).content.decode()

    assert "You: ★ 4.5" in html
    assert "On your watchlist" in html


def test_the_genres_index_counts_films(client, catalogue):
    response = client.get(reverse("web:genres"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("web:genre", args=["sci-fi"]) in html
    assert re.search(r"Sci-Fi</span></a>\s*<span class=\"film-meta\">2 films", html)


def test_a_genre_page_lists_its_films_with_the_same_sorting(client, catalogue):
    url = reverse("web:genre", args=["sci-fi"])

    assert titles(client.get(url)) == ["Alien", "Arrival"]
    assert titles(client.get(url, {"sort": "newest"})) == ["Arrival", "Alien"]
    partial = client.get(url, {"sort": "title"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Alien" in partial


def test_an_unknown_genre_is_a_404(client):
    assert client.get(reverse("web:genre", args=["no-such-genre"])).status_code == 404


def test_genre_names_and_descriptions_are_escaped(client):
    GenreFactory(name="<i>Noir</i>", slug="noir", description="<b>dark</b>")

    html = client.get(reverse("web:genre", args=["noir"])).content.decode()

    assert "<b>dark</b>" not in html and "&lt;b&gt;dark&lt;/b&gt;" in html
    assert "<i>Noir</i>" not in client.get(reverse("web:genres")).content.decode()


# --- query counts --------------------------------------------------------------------------------------------------


def shelf(size: int):
    """``size`` films with two genres, reviews, and the member's rating and watchlist entry on each."""
    member = UserFactory()
    for movie in MovieFactory.create_batch(size, genres=["Drama", "Crime"]):
        ReviewFactory(movie=movie)
        ReviewFactory(movie=movie, user=member)
        movie_mark(model=WatchlistEntry, user=member, movie=movie)
    return member


@pytest.fixture
def genre_figures_counted(settings):
    """As deployed: the genres' figures stored, counted again by beat (here, once the films are made), not by the
    reads measured."""
    settings.POPULAR_FIGURES_REFRESH_SECONDS = 60


# Anonymous: whether the genres' figures are fresh, the genres (the select), COUNT, the page. A member also: the
# session, the user, what they did with the page's films (one query), the unread notifications.
@pytest.mark.usefixtures("genre_figures_counted")
@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize(("logged_in", "queries"), [(False, 4), (True, 8)])
@pytest.mark.parametrize("query", [{}, {"q": "Movie", "genre": "drama", "rating_min": "1", "sort": "rating"}])
def test_the_films_page_reads_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, size, logged_in, queries, query
):
    member = shelf(size)
    genre_stats_refresh()
    if logged_in:
        client.force_login(member)

    with django_assert_num_queries(queries):
        response = client.get(FILMS, query)

    assert len(titles(response)) == size


# Whether the genres' figures are fresh, the genre with its figures, COUNT, the page (+ the member's four as above);
# the index: the freshness, the genres (+ the session, the user, the unread notifications).
@pytest.mark.usefixtures("genre_figures_counted")
@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize(("logged_in", "queries", "index_queries"), [(False, 4, 2), (True, 8, 5)])
def test_genre_pages_read_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, size, logged_in, queries, index_queries
):
    member = shelf(size)
    genre_stats_refresh()
    if logged_in:
        client.force_login(member)

    with django_assert_num_queries(queries):
        response = client.get(reverse("web:genre", args=["drama"]))

    assert len(titles(response)) == size
    with django_assert_num_queries(index_queries):
        client.get(reverse("web:genres"))
