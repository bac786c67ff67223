"""What film search does on PostgreSQL only (movies.selectors.search_movies): accents, typos, prefixes, people,
stems and weights, a vector the database keeps right, and query plans that use the GIN indexes."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from movies.models import Movie
from movies.selectors import movie_summary_rows, search_movies
from movies.tests.helpers import film
from movies.tests.test_search import FILMS, URL, found
from tests.query_plans import index_searched, plan_without_seqscan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's full-text and trigram search; SQLite finds titles and descriptions containing the text",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [("amelie", "Amélie"), ("AMÉLIE", "Amélie"), ("Amélie", "Amelie")])
def test_accents_and_case_are_ignored(text, expected):
    film(expected)
    film("Heat")

    assert found(text) == [expected]


@pytest.mark.parametrize("text", ["godfater", "godf", "godfa", "Godfath", "godfathr"])
def test_a_typo_or_the_start_of_a_title_finds_it(godfathers, text):
    assert found(text) == ["The Godfather Part II", "The Godfather", "The Last Godfather"]


def test_a_typo_among_words_finds_the_titles_close_to_all_of_them(godfathers):
    assert found("the godfater") == ["The Godfather Part II", "The Godfather"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("coppola", ["The Conversation"]),
        ("francis ford coppola", ["The Conversation"]),
        ("hackman", ["The Conversation", "Unforgiven"]),
        ("penelope cruz", ["Volver"]),
        ("almodovar", ["Volver"]),
    ],
)
def test_directors_and_cast_find_their_films(text, expected):
    film("The Conversation", reviews=2, directors=["Francis Ford Coppola"], cast=["Gene Hackman", "John Cazale"])
    film("Unforgiven", reviews=1, directors=["Clint Eastwood"], cast=["Clint Eastwood", "Gene Hackman"])
    film("Volver", directors=["Pedro Almodóvar"], cast=["Penélope Cruz"])

    assert found(text) == expected


def test_words_of_the_description_find_the_film_after_title_and_people():
    film("Heat", reviews=9, description="A heist in Los Angeles.")
    film("Heist", reviews=1)
    film("Thief", reviews=5, cast=["James Caan"], directors=["Michael Mann"], description="A safecracker.")
    film("Up", reviews=50)

    assert found("heists") == ["Heist", "Heat"]
    assert found("mann") == ["Thief"]


def test_a_title_word_counts_for_more_than_a_name_and_a_name_for_more_than_a_description():
    film("Brando", description="A film.")
    film("On the Waterfront", reviews=90, cast=["Marlon Brando"])
    film("Documentary", reviews=99, description="About Marlon Brando.")

    assert found("brando") == ["Brando", "On the Waterfront", "Documentary"]


def test_the_vector_follows_every_write():
    created = Movie.objects.bulk_create([Movie(title="Untitled", directors=["Agnès Varda"])])[0]
    assert found("varda") == ["Untitled"]

    Movie.objects.filter(pk=created.pk).update(title="Cléo from 5 to 7", directors=[])
    assert found("cleo") == ["Cléo from 5 to 7"]
    assert found("varda") == []


def test_any_text_is_a_search(api_client, godfathers):
    for text in ['"the godfather', "godfather -part", "(heat | ", "!!", "'", "&", ":*", "\\"]:
        assert api_client.get(URL, {"search": text}).status_code == 200, text


# --- Query plans on PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture
def catalogue_of_thousands(godfathers) -> None:
    """3,000 more films, with planner statistics: enough that a missing index shows in the plan."""
    words = ["night", "river", "stone", "garden", "winter", "silver", "empire", "shadow", "harbor", "letter"]
    Movie.objects.bulk_create(
        Movie(
            title=f"{words[n % 10].title()} {words[n // 10 % 10]} {n}",
            description=f"The {words[n // 100 % 10]} of the {words[n % 7]}.",
            cast=[f"Actor {words[n % 9]} {n}"],
            directors=[f"Director {n % 300}"],
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE movies_movie")


def plans_of(queries: list[dict]) -> list[str]:
    """The plans of the search's statements among ``queries`` (tests.query_plans: sequential scans made as costly
    as possible); these are SQL a request ran, not querysets."""
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries:
            if "search_vector" in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def searches_both_indexes(plan: str) -> bool:
    return index_searched(plan, "movie_search_vector_idx") and index_searched(plan, "movie_title_trgm_idx")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (URL, {"search": "godf"}),
        (URL, {"search": "the godfather", "page_size": 5}),
        (FILMS, {"q": "godfater"}),
        (FILMS, {"q": "river stone"}),
    ],
)
def test_the_search_statements_of_the_api_and_the_films_page_use_both_gin_indexes(
    client, catalogue_of_thousands, path, params
):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params).status_code == 200

    plans = plans_of(queries.captured_queries)

    assert len(plans) == 2, plans  # the count and the page
    for plan in plans:
        assert searches_both_indexes(plan), plan
        assert "Seq Scan on movies_movie" not in plan, plan


def test_the_add_a_film_search_uses_both_gin_indexes(catalogue_of_thousands):
    plan = plan_without_seqscan(search_movies(movie_summary_rows(), "silver")[:20])

    assert searches_both_indexes(plan), plan
