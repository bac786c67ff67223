import datetime

import pytest

from movies.tests.helpers import assert_error, days_ago, ids, set_movie_fields
from tests.factories import MovieFactory

URL = "/api/movies/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def twenty_five_movies():
    movies = MovieFactory.create_batch(25)
    # Distinct creation times, oldest first, so the default "newest first" order is fully determined.
    for position, movie in enumerate(movies):
        set_movie_fields(movie, created_at=days_ago(100 - position))
    return movies


# --- Pagination ------------------------------------------------------------------------------


def test_list_is_paginated_with_count_next_previous_and_results(api_client, twenty_five_movies):
    response = api_client.get(URL, {"page_size": 10})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 25
    assert len(body["results"]) == 10
    assert body["previous"] is None
    assert "page=2" in body["next"] and "page_size=10" in body["next"]
    newest_first = [movie.pk for movie in reversed(twenty_five_movies)]
    assert ids(response) == newest_first[:10]


def test_last_page_holds_the_remainder_and_links_back(api_client, twenty_five_movies):
    response = api_client.get(URL, {"page_size": 10, "page": 3})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 25
    assert ids(response) == [movie.pk for movie in reversed(twenty_five_movies)][20:]
    assert body["next"] is None
    assert "page=2" in body["previous"]


def test_pages_cover_every_movie_exactly_once(api_client, twenty_five_movies):
    seen = []
    for page in (1, 2, 3):
        seen += ids(api_client.get(URL, {"page_size": 10, "page": page}))
    assert sorted(seen) == sorted(movie.pk for movie in twenty_five_movies)


def test_default_page_size_is_twenty(api_client, twenty_five_movies):
    body = api_client.get(URL).json()
    assert body["count"] == 25
    assert len(body["results"]) == 20


def test_page_size_of_one_hundred_is_allowed(api_client, twenty_five_movies):
    response = api_client.get(URL, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 25
    assert response.json()["next"] is None


@pytest.mark.parametrize("page_size", ["101", "0", "-5", "abc", "2.5", ""])
def test_invalid_page_size_is_rejected(api_client, twenty_five_movies, page_size):
    response = api_client.get(URL, {"page_size": page_size})
    assert_error(response, 400, fields=("page_size",), code="invalid")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "last"])
def test_invalid_page_number_is_rejected(api_client, twenty_five_movies, page):
    response = api_client.get(URL, {"page": page})
    assert_error(response, 400, fields=("page",), code="invalid")


@pytest.mark.parametrize("page", [str(10**9), "4"])
def test_page_past_the_end_is_not_found(api_client, twenty_five_movies, page):
    response = api_client.get(URL, {"page": page, "page_size": 10})
    body = assert_error(response, 404, code="not_found")
    assert "there are 3 pages" in body["detail"]


def test_empty_catalogue_has_an_empty_first_page(api_client, db):
    response = api_client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


# --- Filters ---------------------------------------------------------------------------------


def test_search_matches_title_or_description_case_insensitively(api_client):
    in_title = MovieFactory(title="The Matrix", description="Hackers.")
    in_description = MovieFactory(title="Dark City", description="Like the MATRIX, but earlier.")
    MovieFactory(title="Heat", description="Bank robbers.")

    response = api_client.get(URL, {"search": "matrix"})

    assert response.status_code == 200
    assert sorted(ids(response)) == sorted([in_title.pk, in_description.pk])
    assert response.json()["count"] == 2


def test_genre_filter_matches_movies_in_any_of_the_slugs(api_client):
    scifi = MovieFactory(genres=["Action", "Sci-Fi"])
    drama = MovieFactory(genres=["Drama"])
    MovieFactory(genres=["Comedy"])
    MovieFactory()

    assert sorted(ids(api_client.get(URL, {"genre": "SCI-FI"}))) == [scifi.pk]
    assert sorted(ids(api_client.get(URL, {"genre": "sci-fi,drama"}))) == sorted([scifi.pk, drama.pk])


def test_genre_all_filter_needs_every_slug(api_client):
    both = MovieFactory(genres=["Action", "Sci-Fi"])
    MovieFactory(genres=["Action"])
    MovieFactory(genres=["Sci-Fi", "Drama"])

    response = api_client.get(URL, {"genre_all": "action,sci-fi"})

    assert ids(response) == [both.pk]
    assert response.json()["count"] == 1


def test_unknown_genre_slugs_give_an_empty_result_not_an_error(api_client):
    MovieFactory(genres=["Action"])

    for params in ({"genre": "no-such-genre"}, {"genre_all": "action,no-such-genre"}):
        response = api_client.get(URL, params)
        assert response.status_code == 200
        assert response.json()["count"] == 0


def test_year_bounds_are_inclusive_and_skip_undated_movies(api_client):
    last_day_1999 = MovieFactory(release_date=datetime.date(1999, 12, 31))
    first_day_2000 = MovieFactory(release_date=datetime.date(2000, 1, 1))
    last_day_2001 = MovieFactory(release_date=datetime.date(2001, 12, 31))
    first_day_2002 = MovieFactory(release_date=datetime.date(2002, 1, 1))
    MovieFactory(release_date=None)

    only_min = api_client.get(URL, {"year_min": 2000})
    only_max = api_client.get(URL, {"year_max": 1999})
    both = api_client.get(URL, {"year_min": 2000, "year_max": 2001})

    assert sorted(ids(only_min)) == sorted([first_day_2000.pk, last_day_2001.pk, first_day_2002.pk])
    assert ids(only_max) == [last_day_1999.pk]
    assert sorted(ids(both)) == sorted([first_day_2000.pk, last_day_2001.pk])


def test_rating_bounds_filter_on_average_rating_inclusively(api_client):
    low = set_movie_fields(MovieFactory(), avg_rating=2.0, review_count=3)
    middle = set_movie_fields(MovieFactory(), avg_rating=3.5, review_count=2)
    high = set_movie_fields(MovieFactory(), avg_rating=4.75, review_count=4)

    assert sorted(ids(api_client.get(URL, {"rating_min": "3.5"}))) == sorted([middle.pk, high.pk])
    assert sorted(ids(api_client.get(URL, {"rating_max": "3.5"}))) == sorted([low.pk, middle.pk])
    assert ids(api_client.get(URL, {"rating_min": 3, "rating_max": 4})) == [middle.pk]
    assert ids(api_client.get(URL, {"rating_min": "4.8"})) == []


def test_filters_combine(api_client):
    wanted = set_movie_fields(
        MovieFactory(title="Alien", genres=["Horror", "Sci-Fi"], release_date=datetime.date(1979, 5, 25)),
        avg_rating=4.4,
    )
    set_movie_fields(
        MovieFactory(title="Aliens", genres=["Action", "Sci-Fi"], release_date=datetime.date(1986, 7, 18)),
        avg_rating=4.3,
    )
    set_movie_fields(
        MovieFactory(title="Alien 3", genres=["Horror"], release_date=datetime.date(1992, 5, 22)), avg_rating=2.9
    )

    response = api_client.get(URL, {"search": "alien", "genre": "horror", "rating_min": 4, "year_max": 1980})

    assert ids(response) == [wanted.pk]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("year_min", "abc"),
        ("year_max", "19x9"),
        ("year_min", "1999.5"),
        ("year_min", "1500"),
        ("year_max", "99999"),
        ("rating_min", "high"),
        ("rating_max", "NaN"),
        ("rating_min", "-1"),
        ("rating_max", "5.5"),
        ("search", "x" * 201),
        ("genre", "x" * 501),
    ],
)
def test_invalid_filter_value_is_rejected_naming_the_parameter(api_client, movie, param, value):
    response = api_client.get(URL, {param: value})
    assert_error(response, 400, fields=(param,), code="invalid")


# --- Ordering --------------------------------------------------------------------------------


@pytest.fixture
def three_ordered_movies():
    """Three movies whose order is the same (a, b, c) ascending on every orderable field."""
    a = MovieFactory(title="Amelie", release_date=datetime.date(1990, 1, 1))
    b = MovieFactory(title="Brazil", release_date=datetime.date(2000, 1, 1))
    c = MovieFactory(title="Casablanca", release_date=datetime.date(2010, 1, 1))
    for position, movie in enumerate([a, b, c], start=1):
        set_movie_fields(
            movie, avg_rating=position * 1.5, review_count=position * 10, created_at=days_ago(10 - position)
        )
    # Insertion order (pk) deliberately differs from every field's order.
    return [a, b, c]


@pytest.mark.parametrize("field", ["title", "release_date", "avg_rating", "review_count", "created_at"])
def test_ordering_ascending_and_descending(api_client, three_ordered_movies, field):
    expected = [movie.pk for movie in three_ordered_movies]

    ascending = api_client.get(URL, {"ordering": field})
    descending = api_client.get(URL, {"ordering": f"-{field}"})

    assert ascending.status_code == descending.status_code == 200
    assert ids(ascending) == expected
    assert ids(descending) == expected[::-1]


def test_default_order_is_newest_created_first(api_client, three_ordered_movies):
    assert ids(api_client.get(URL)) == [movie.pk for movie in reversed(three_ordered_movies)]


def test_ties_are_broken_by_newest_id_so_pages_never_overlap(api_client):
    same_title = MovieFactory.create_batch(5, title="Same")

    first = ids(api_client.get(URL, {"ordering": "title", "page_size": 2, "page": 1}))
    second = ids(api_client.get(URL, {"ordering": "title", "page_size": 2, "page": 2}))
    third = ids(api_client.get(URL, {"ordering": "title", "page_size": 2, "page": 3}))

    assert first + second + third == sorted((movie.pk for movie in same_title), reverse=True)


def test_ordering_on_two_fields(api_client):
    older_b = set_movie_fields(MovieFactory(title="B"), avg_rating=4.0)
    a = set_movie_fields(MovieFactory(title="A"), avg_rating=4.0)
    best = set_movie_fields(MovieFactory(title="C"), avg_rating=5.0)

    response = api_client.get(URL, {"ordering": "-avg_rating,title"})

    assert ids(response) == [best.pk, a.pk, older_b.pk]


@pytest.mark.parametrize("ordering", ["budget", "-description", "title,popularity", "--title", "reviews__rating"])
def test_unknown_ordering_is_rejected_listing_the_allowed_fields(api_client, movie, ordering):
    response = api_client.get(URL, {"ordering": ordering})
    body = assert_error(response, 400, fields=("ordering",), code="invalid")
    message = body["errors"]["ordering"][0]
    for allowed in ["title", "release_date", "avg_rating", "review_count", "created_at"]:
        assert allowed in message
