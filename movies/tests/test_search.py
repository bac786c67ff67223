"""Film search (movies.selectors.search_movies) through the API, the films page and a list's "add a film": what it
finds and in which order, on either database (test_search_postgres.py has what only PostgreSQL does)."""

import pytest
from django.urls import reverse

from movies.models import Movie
from movies.selectors import movie_summary_rows, search_movies
from movies.tests.helpers import film, ids

pytestmark = pytest.mark.django_db

URL = "/api/movies/"
FILMS = reverse("web:films")


def titles(movies) -> list[str]:
    return [movie.title for movie in movies]


def found(text: str) -> list[str]:
    return titles(search_movies(Movie.objects.all(), text))


# --- Both databases ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["The Godfather", "the godfather", "THE GODFATHER  "])
def test_the_exact_title_comes_first_even_when_others_are_more_popular(godfathers, text):
    assert found(text)[0] == "The Godfather"


def test_films_as_relevant_go_by_popularity(godfathers):
    assert found("godfather")[:3] == ["The Godfather Part II", "The Godfather", "The Last Godfather"]


def test_a_blank_search_changes_nothing(godfathers):
    movies = Movie.objects.order_by("title")

    assert search_movies(movies, "  ") is movies
    assert search_movies(movies, "\x00") is movies


def test_the_api_ranks_a_search_and_lists_the_newest_first_without_one(api_client, godfathers):
    ranked = api_client.get(URL, {"search": "the godfather"})
    newest = api_client.get(URL)

    assert [row["title"] for row in ranked.json()["results"]][:2] == ["The Godfather", "The Godfather Part II"]
    assert ids(newest) == [movie.pk for movie in Movie.objects.order_by("-created_at", "-id")]


def test_the_api_orders_a_search_as_asked(api_client, godfathers):
    response = api_client.get(URL, {"search": "godfather", "ordering": "-title"})

    assert [row["title"] for row in response.json()["results"]][:3] == [
        "The Last Godfather",
        "The Godfather Part II",
        "The Godfather",
    ]


def test_the_films_page_shows_the_best_match_first_unless_sorted_otherwise(client, godfathers):
    best = client.get(FILMS, {"q": "the godfather"})
    chosen = client.get(FILMS, {"q": "the godfather", "sort": "relevance"})
    popular = client.get(FILMS, {"q": "the godfather", "sort": "popular"})

    assert titles(best.context["page_obj"].object_list)[:2] == ["The Godfather", "The Godfather Part II"]
    assert titles(chosen.context["page_obj"].object_list)[:2] == ["The Godfather", "The Godfather Part II"]
    assert titles(popular.context["page_obj"].object_list)[:2] == ["The Godfather Part II", "The Godfather"]
    assert '<option value="relevance" selected>Best match</option>' in best.content.decode()


def test_without_a_search_the_best_match_is_the_most_popular(client, godfathers):
    response = client.get(FILMS)

    assert titles(response.context["page_obj"].object_list)[0] == "Heat"


def test_the_genre_page_offers_no_best_match(client):
    film("Heat", genres=["Crime"])

    html = client.get(reverse("web:genre", args=["crime"])).content.decode()

    assert 'value="popular"' in html
    assert 'value="relevance"' not in html


def test_the_search_ranks_a_list_of_summaries(godfathers):
    rows = list(search_movies(movie_summary_rows(), "the godfather"))

    assert titles(rows)[:2] == ["The Godfather", "The Godfather Part II"]
