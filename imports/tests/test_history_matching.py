"""Matching history films: remembered keys, the local catalogue, then a real local fake TMDB over HTTP."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from imports.history.matching import (
    NO_FILM_NAMED,
    NO_UNIQUE_MATCH,
    NOT_CONFIGURED,
    NOT_IN_CATALOGUE,
    SEVERAL_IN_CATALOGUE,
    TMDB_UNAVAILABLE,
    UNKNOWN_TMDB_ID,
    Candidate,
    Match,
    Matcher,
    normalise_title,
    unique_fit,
)
from imports.history.rows import FilmRef, Source
from imports.models import ExternalKey
from imports.tmdb.client import TmdbClient, TmdbConfig
from movies.models import Movie
from tests.factories import MovieFactory
from tests.fake_tmdb import FakeTmdb, Fault

from .tmdb_fixtures import ALIEN, FIGHT_CLUB

pytestmark = pytest.mark.django_db


def tmdb_movie(tmdb_id: int, title: str, released: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": tmdb_id,
        "title": title,
        "original_title": title,
        "release_date": released,
        "popularity": 10.0,
        "genres": [{"id": 18, "name": "Drama"}],
        "credits": {
            "cast": [{"id": 1, "name": f"Star of {title}", "order": 0}],
            "crew": [{"id": 2, "name": f"Director of {title}", "job": "Director"}],
        },
        "keywords": {"keywords": [{"id": 3, "name": "memory"}]},
        **fields,
    }


AMELIE = tmdb_movie(194, "Amélie", "2001-04-25", original_title="Le Fabuleux Destin d'Amélie Poulain")
HAMLET_A = tmdb_movie(1002, "Hamlet", "1996-12-25")
HAMLET_B = tmdb_movie(1003, "Hamlet", "1996-05-01")
SOLARIS_1972 = tmdb_movie(593, "Solaris", "1972-03-20")
SOLARIS_2002 = tmdb_movie(2103, "Solaris", "2002-11-27")
ALIENS = tmdb_movie(679, "Aliens", "1986-07-18")


@pytest.fixture
def fake_tmdb_app() -> FakeTmdb:
    movies = [FIGHT_CLUB, ALIEN, AMELIE, HAMLET_A, HAMLET_B, SOLARIS_1972, SOLARIS_2002, ALIENS]
    return FakeTmdb(copy.deepcopy(movies), imdb_ids={194: "tt0211915"})


@pytest.fixture
def tmdb_client(fake_tmdb):
    config = TmdbConfig.from_settings(max_retries=1, backoff_base=0.01)
    with TmdbClient(config, sleep=lambda seconds: None) as client:
        yield client


def movie(title: str, year: int | None, **fields: Any) -> Movie:
    return MovieFactory(title=title, release_date=dt.date(year, 6, 1) if year else None, **fields)


# --- titles and years -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "normalised"),
    [
        ("Amélie", "amelie"),
        ("  AMELIE ", "amelie"),
        ("Se7en", "se7en"),
        ("The Lord of the Rings: The Fellowship of the Ring", "the lord of the rings the fellowship of the ring"),
        ("Schindler's List", "schindlers list"),
        ("Schindler\u2019s List", "schindlers list"),
        ("Fast & Furious", "fast and furious"),
        ("Spider-Man:  Into the Spider-Verse", "spider man into the spider verse"),
        ("Straße", "strasse"),
        ("Ærø", "ærø"),
        ("?!", ""),
    ],
)
def test_normalise_title(title, normalised):
    assert normalise_title(title) == normalised


def test_unique_fit_prefers_the_exact_year_and_accepts_one_year_off_only_when_alone():
    a, b, c = Candidate("X", 1990), Candidate("X", 1991), Candidate("X", 1993)

    assert unique_fit([a, b, c], 1990) is a  # exact beats a neighbour
    assert unique_fit([a, c], 1991) is a  # one year off, alone
    assert unique_fit([b, c], 1992) is None  # 1991 and 1993 both one year off
    assert unique_fit([a, b], 1995) is None
    assert unique_fit([a, Candidate("X", 1990)], 1990) is None
    assert unique_fit([a], None) is a
    assert unique_fit([a, c], None) is None
    assert unique_fit([Candidate("X", None)], 1990) is None


# --- the local catalogue ------------------------------------------------------------------------------------------


def test_local_paths_in_order_tmdb_id_imdb_id_then_title(django_assert_num_queries):
    by_tmdb = movie("Fight Club", 1999, tmdb_id=550)
    by_imdb = movie("Alien", 1979, imdb_id="tt0078748")
    by_title = movie("Amélie", 2001)
    films = [
        FilmRef(title="Something else", tmdb_id=550, imdb_id="tt0078748"),  # the TMDB id wins
        FilmRef(title="Something else", imdb_id="tt0078748"),
        FilmRef(title="Amelie", year=2001),
    ]

    with django_assert_num_queries(3):  # by TMDB id, by IMDb id, every title once
        matches = Matcher(Source.TRAKT, client=None).match(films)

    assert matches == [
        Match(by_tmdb.pk, "tmdb_id"),
        Match(by_imdb.pk, "imdb_id"),
        Match(by_title.pk, "title"),
    ]


def test_a_year_off_by_one_is_accepted_only_when_one_film_fits(settings):
    settings.TMDB_API_TOKEN = "configured"  # TMDB is configured, this import just does not use it
    solaris = movie("Solaris", 1972)
    movie("Solaris", 2002)
    twin_a, twin_b = movie("Twins", 2000), movie("Twins", 2002)

    near, far, between, exact = Matcher(Source.LETTERBOXD, client=None).match(
        [
            FilmRef("Solaris", 1973),
            FilmRef("Solaris", 1990),
            FilmRef("Twins", 2001),  # both one year off
            FilmRef("Twins", 2002),
        ]
    )

    assert near == Match(solaris.pk, "title")
    assert (far.movie_id, far.reason) == (None, NOT_IN_CATALOGUE)
    assert {c.title for c in far.candidates} == {"Solaris"} and len(far.candidates) == 2
    assert (between.movie_id, between.reason) == (None, SEVERAL_IN_CATALOGUE)
    assert {c.movie_id for c in between.candidates} == {twin_a.pk, twin_b.pk}
    assert exact == Match(twin_b.pk, "title")


def test_the_same_title_and_year_twice_is_ambiguous_with_candidates():
    first, second = movie("Hamlet", 1996, tmdb_id=1002), movie("Hamlet", 1996)

    (match,) = Matcher(Source.LETTERBOXD, client=None).match([FilmRef("Hamlet", 1996)])

    assert (match.movie_id, match.reason) == (None, SEVERAL_IN_CATALOGUE)
    assert match.candidates == (
        Candidate("Hamlet", 1996, tmdb_id=1002, movie_id=first.pk),
        Candidate("Hamlet", 1996, tmdb_id=None, movie_id=second.pk),
    )


def test_without_a_year_the_title_alone_must_be_unique():
    alien = movie("Alien", 1979)
    movie("Hamlet", 1948)
    movie("Hamlet", 1996)

    unique, ambiguous = Matcher(Source.IMDB, client=None).match([FilmRef("ALIEN"), FilmRef("Hamlet")])

    assert unique == Match(alien.pk, "title")
    assert (ambiguous.movie_id, ambiguous.reason, len(ambiguous.candidates)) == (None, SEVERAL_IN_CATALOGUE, 2)


def test_a_movie_with_another_tmdb_id_is_never_matched_by_its_title():
    movie("Crash", 2004, tmdb_id=1640)
    untracked = movie("Crash", 1996)

    other, same_title = Matcher(Source.TRAKT, client=None).match(
        [FilmRef("Crash", 2004, tmdb_id=9999), FilmRef("Crash", 1996, tmdb_id=884)]
    )

    assert other.movie_id is None
    assert same_title == Match(untracked.pk, "title")  # a movie without a TMDB id may be the film


def test_reasons_without_a_client(settings):
    settings.TMDB_API_TOKEN = settings.TMDB_API_KEY = ""
    films = [FilmRef("Nowhere", 2000), FilmRef(key="https://boxd.it/x")]

    (missing, nameless) = Matcher(Source.LETTERBOXD, client=None).match(films)
    settings.TMDB_API_TOKEN = "configured-but-not-used"
    (missing_configured, _) = Matcher(Source.LETTERBOXD, client=None).match(films)

    assert missing == Match(None, reason=NOT_CONFIGURED)
    assert nameless == Match(None, reason=NO_FILM_NAMED)
    assert missing_configured == Match(None, reason=NOT_IN_CATALOGUE)


# --- remembered keys and memoised films ---------------------------------------------------------------------------


def test_matched_keys_are_remembered_and_match_instantly_next_time(django_assert_num_queries):
    amelie = movie("Amélie", 2001)
    films = [FilmRef("Amelie", 2001, key="https://boxd.it/a1"), FilmRef("Nowhere", 2001, key="https://boxd.it/n1")]

    first = Matcher(Source.LETTERBOXD, client=None).match(films)
    with django_assert_num_queries(1):  # the keys, nothing else: no titles, no writes
        again = Matcher(Source.LETTERBOXD, client=None).match(films[:1])

    assert first[0] == Match(amelie.pk, "title") and first[1].movie_id is None
    assert again == [Match(amelie.pk, "key")]
    assert list(ExternalKey.objects.values_list("source", "key", "movie_id")) == [
        ("letterboxd", "https://boxd.it/a1", amelie.pk)
    ]
    # Keys are per source.
    (other_source,) = Matcher(Source.IMDB, client=None).match(films[:1])
    assert other_source.via == "title"


def test_a_remembered_key_wins_over_everything_else():
    remembered, by_tmdb = movie("Remembered", 2000), movie("Fight Club", 1999, tmdb_id=550)
    ExternalKey.objects.create(source="trakt", key="trakt:1", movie=remembered)

    (match,) = Matcher(Source.TRAKT, client=None).match([FilmRef("Fight Club", 1999, tmdb_id=550, key="trakt:1")])

    assert match == Match(remembered.pk, "key")
    assert by_tmdb.pk != remembered.pk


def test_a_matcher_matches_each_film_once(django_assert_num_queries):
    amelie = movie("Amélie", 2001)
    matcher = Matcher(Source.LETTERBOXD, client=None)
    matcher.match([FilmRef("Amelie", 2001)])

    with django_assert_num_queries(0):
        matches = matcher.match([FilmRef("Amelie", 2001), FilmRef("Amelie", 2001)])

    assert matches == [Match(amelie.pk, "title")] * 2


def test_a_batch_of_500_films_costs_a_handful_of_queries(django_assert_max_num_queries):
    movies = Movie.objects.bulk_create(
        Movie(title=f"Film number {n}", release_date=dt.date(1950 + n % 70, 1, 1)) for n in range(500)
    )
    films = [FilmRef(f"Film Number {n}", 1950 + n % 70, key=f"https://boxd.it/{n}") for n in range(500)]

    with django_assert_max_num_queries(6):  # keys, titles, inserting the 500 keys (SQLite: 249 rows a query)
        matches = Matcher(Source.LETTERBOXD, client=None).match(films)

    assert [m.movie_id for m in matches] == [m.pk for m in movies]
    assert ExternalKey.objects.count() == 500


def test_a_key_another_job_remembered_meanwhile_keeps_its_movie(monkeypatch):
    theirs, ours = movie("Theirs", 2000), movie("Ours", 2000)
    matcher = Matcher(Source.LETTERBOXD, client=None)
    monkeypatch.setattr(matcher, "_load_keys", lambda keys: None)  # as if the key was written after we looked
    ExternalKey.objects.create(source="letterboxd", key="https://boxd.it/k", movie=theirs)

    (match,) = matcher.match([FilmRef("Ours", 2000, key="https://boxd.it/k")])

    assert match == Match(ours.pk, "title")
    assert ExternalKey.objects.get().movie_id == theirs.pk


# --- TMDB -------------------------------------------------------------------------------------------------------


def test_an_imdb_id_is_found_on_tmdb_and_the_film_imported_with_its_credits(fake_tmdb, tmdb_client):
    (match,) = Matcher(Source.IMDB, client=tmdb_client).match([FilmRef("Amelie", 2001, imdb_id="tt0211915")])

    imported = Movie.objects.get(tmdb_id=194)
    assert match == Match(imported.pk, "tmdb_find")
    assert (imported.title, imported.imdb_id) == ("Amélie", "tt0211915")
    assert list(imported.genres.values_list("name", flat=True)) == ["Drama"]
    assert (imported.cast, imported.directors, imported.keywords) == (
        ["Star of Amélie"],
        ["Director of Amélie"],
        ["memory"],
    )
    assert fake_tmdb.request_counts == {"/find/tt0211915": 1, "/movie/194": 1, "/configuration": 1}


def test_a_title_is_searched_in_its_primary_release_year(fake_tmdb, tmdb_client):
    (match,) = Matcher(Source.LETTERBOXD, client=tmdb_client).match([FilmRef("Solaris", 2002)])

    assert match == Match(Movie.objects.get(tmdb_id=2103).pk, "tmdb_search")
    (search,) = [r for r in fake_tmdb.requests if r.path == "/search/movie"]
    assert search.query["query"] == ["Solaris"] and search.query["primary_release_year"] == ["2002"]
    assert "year" not in search.query
    assert fake_tmdb.count("/movie/2103") == 1 and Movie.objects.count() == 1


def test_a_search_matches_the_original_title_too(fake_tmdb, tmdb_client):
    (match,) = Matcher(Source.LETTERBOXD, client=tmdb_client).match(
        [FilmRef("Le fabuleux destin d\u2019Amélie Poulain", 2001)]
    )

    assert match == Match(Movie.objects.get(tmdb_id=194).pk, "tmdb_search")


def test_a_tmdb_id_not_in_the_catalogue_is_imported_without_a_search(fake_tmdb, tmdb_client):
    known, unknown = Matcher(Source.TRAKT, client=tmdb_client).match(
        [FilmRef("Aliens", 1986, tmdb_id=679, imdb_id="tt0090605"), FilmRef("Gone", 2000, tmdb_id=424242)]
    )

    assert known == Match(Movie.objects.get(tmdb_id=679).pk, "tmdb_id_import")
    assert unknown == Match(None, reason=UNKNOWN_TMDB_ID)
    assert fake_tmdb.count("/search/movie") == fake_tmdb.count("/find/tt0090605") == 0
    assert fake_tmdb.count("/movie/679") == fake_tmdb.count("/movie/424242") == 1


def test_a_search_without_a_unique_title_match_lists_the_candidates(fake_tmdb, tmdb_client):
    same_year, no_year, other_title = Matcher(Source.LETTERBOXD, client=tmdb_client).match(
        [FilmRef("Hamlet", 1996), FilmRef("Solaris"), FilmRef("Alie", 1979)]
    )

    assert (same_year.movie_id, same_year.reason) == (None, NO_UNIQUE_MATCH)
    assert {c.tmdb_id for c in same_year.candidates} == {1002, 1003}
    assert {(c.title, c.year) for c in no_year.candidates} == {("Solaris", 1972), ("Solaris", 2002)}
    assert other_title.candidates == (Candidate("Alien", 1979, tmdb_id=348),)  # found, but not this title
    assert Movie.objects.count() == 0
    assert fake_tmdb.count("/search/movie") == 3  # no second, yearless search: each year search found films


def test_a_yearless_search_only_when_the_year_search_finds_nothing(fake_tmdb, tmdb_client):
    (match,) = Matcher(Source.LETTERBOXD, client=tmdb_client).match([FilmRef("Alien", 1980)])

    assert match == Match(Movie.objects.get(tmdb_id=348).pk, "tmdb_search")  # 1979, one year off and alone
    searches = [r.query.get("primary_release_year") for r in fake_tmdb.requests if r.path == "/search/movie"]
    assert searches == [["1980"], None]


def test_a_film_already_in_the_catalogue_under_another_title_is_not_imported_again(fake_tmdb, tmdb_client):
    existing = movie("Fight Club", None, tmdb_id=550)  # no date: the title and year do not fit locally

    (match,) = Matcher(Source.LETTERBOXD, client=tmdb_client).match([FilmRef("Fight Club", 1999)])

    assert match == Match(existing.pk, "tmdb_search")
    assert fake_tmdb.count("/movie/550") == 0


def test_a_film_repeated_in_a_batch_is_looked_up_and_imported_once(fake_tmdb, tmdb_client):
    films = [
        FilmRef("Amélie", 2001, key="https://boxd.it/diary-1"),
        FilmRef("Amélie", 2001, key="https://boxd.it/diary-2"),
        FilmRef("Amélie", 2001, key="https://boxd.it/amelie"),
        FilmRef("Amélie", 2001),
        FilmRef("Something", imdb_id="tt0211915"),  # the same film by its IMDb id
    ]

    matches = Matcher(Source.LETTERBOXD, client=tmdb_client, workers=4).match(films)

    pk = Movie.objects.get(tmdb_id=194).pk
    assert [m.movie_id for m in matches] == [pk] * 5
    assert fake_tmdb.request_counts == {
        "/search/movie": 1,
        "/find/tt0211915": 1,
        "/movie/194": 1,
        "/configuration": 1,
    }
    assert ExternalKey.objects.count() == 3


def test_a_remembered_key_costs_no_tmdb_request(fake_tmdb, tmdb_client, django_assert_num_queries):
    films = [FilmRef("Solaris", 1972, key="https://boxd.it/solaris")]
    Matcher(Source.LETTERBOXD, client=tmdb_client).match(films)
    fake_tmdb.reset()

    with django_assert_num_queries(1):
        (match,) = Matcher(Source.LETTERBOXD, client=tmdb_client).match(films)

    assert match == Match(Movie.objects.get(tmdb_id=593).pk, "key")
    assert fake_tmdb.count() == 0


def test_tmdb_unavailable_for_one_film_leaves_the_others_matched(fake_tmdb, tmdb_client):
    fake_tmdb.inject("/find/tt0211915", Fault.service_unavailable(), times=2)  # the first try and its one retry
    films = [FilmRef("Amélie", 2001, imdb_id="tt0211915", key="k1"), FilmRef("Solaris", 2002), FilmRef("Aliens", 1986)]
    matcher = Matcher(Source.IMDB, client=tmdb_client, workers=2)

    unavailable, solaris, aliens = matcher.match(films)

    assert unavailable == Match(None, reason=TMDB_UNAVAILABLE)
    assert solaris.via == aliens.via == "tmdb_search"
    assert not ExternalKey.objects.exists()
    # The outage is not remembered: the next batch asks TMDB again.
    (again,) = matcher.match(films[:1])
    assert again.via == "tmdb_find"
    assert fake_tmdb.count("/find/tt0211915") == 3


def test_tmdb_refusing_the_credentials_stops_asking(fake_tmdb, tmdb_client):
    fake_tmdb.inject("*", Fault.unauthorized())
    films = [FilmRef("Solaris", 2002), FilmRef("Aliens", 1986), FilmRef("Hamlet", 1996)]

    matches = Matcher(Source.LETTERBOXD, client=tmdb_client, workers=1).match(films)

    assert [m.reason for m in matches] == [TMDB_UNAVAILABLE] * 3
    assert fake_tmdb.count() == 1


def test_tmdb_unavailable_keeps_the_catalogues_near_misses(fake_tmdb, tmdb_client):
    local = movie("Hamlet", 1948)
    fake_tmdb.inject("/search/movie", Fault.service_unavailable(), times=2)

    (match,) = Matcher(Source.LETTERBOXD, client=tmdb_client).match([FilmRef("Hamlet", 1996)])

    assert match == Match(None, reason=TMDB_UNAVAILABLE, candidates=(Candidate("Hamlet", 1948, None, local.pk),))


@pytest.mark.django_db(transaction=True)  # the worker threads import through connections of their own
def test_imports_run_on_the_worker_threads(fake_tmdb, tmdb_client):
    films = [FilmRef("Solaris", 1972), FilmRef("Solaris", 2002), FilmRef("Aliens", 1986), FilmRef("Alien", 1979)]

    matches = Matcher(Source.LETTERBOXD, client=tmdb_client, workers=4).match(films)

    by_tmdb_id = dict(Movie.objects.values_list("tmdb_id", "pk"))
    assert [m.movie_id for m in matches] == [by_tmdb_id[593], by_tmdb_id[2103], by_tmdb_id[679], by_tmdb_id[348]]
    assert all(fake_tmdb.count(f"/movie/{tmdb_id}") == 1 for tmdb_id in (593, 2103, 679, 348))
    assert Movie.objects.get(tmdb_id=348).genres.count() == 2
