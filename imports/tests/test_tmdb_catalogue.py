"""import_movie with TMDB mocked at the HTTP seam (respx): fields, genres, idempotency, rollback, images."""

import copy
import datetime as dt

import pytest
import respx
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from core.caching import current_generation
from imports.tests.conftest import TMDB_BASE_URL, TMDB_TOKEN
from imports.tests.tmdb_fixtures import ALIEN, ERROR_404, FIGHT_CLUB, OBSCURE
from imports.tmdb import catalogue
from imports.tmdb.errors import TmdbNotFound
from movies.models import Genre, Movie
from tests.factories import GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db(transaction=False)

CONFIGURATION = {
    "images": {
        "secure_base_url": "https://images.example.test/t/p/",
        "poster_sizes": ["w92", "w500", "original"],
        "backdrop_sizes": ["w300", "w1280", "original"],
    }
}
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def tmdb(tmdb_settings):
    with respx.mock(base_url=TMDB_BASE_URL, assert_all_called=False) as router:
        router.get("/configuration").respond(200, json=CONFIGURATION)
        router.get("/movie/550").respond(200, json=FIGHT_CLUB)
        router.get("/movie/348").respond(200, json=ALIEN)
        router.get("/movie/987654").respond(200, json=OBSCURE)
        yield router


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_import_creates_the_movie_from_tmdb_details(tmdb, django_capture_on_commit_callbacks):
    generation = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = catalogue.import_movie(550)

    assert outcome.status == "created"
    movie = Movie.objects.get(tmdb_id=550)
    assert outcome.movie == movie
    assert (movie.title, movie.release_date, movie.runtime) == ("Fight Club", dt.date(1999, 10, 15), 139)
    assert movie.description.startswith("A ticking-time-bomb insomniac")
    assert (movie.budget, movie.revenue, movie.imdb_id) == (63000000, 100853753, "tt0137523")
    assert movie.poster_path == "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
    # Image URLs come from TMDB's /configuration, not from the default image host.
    assert movie.poster_url == "https://images.example.test/t/p/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
    assert movie.backdrop_url == "https://images.example.test/t/p/w1280/hZkgoQYus5vegHoetLkCJzb17zJ.jpg"
    assert movie.keywords == ["support group", "dual identity", "rage and hate"]
    assert movie.cast == ["Edward Norton", "Brad Pitt", "Helena Bonham Carter", "Meat Loaf", "Jared Leto"]
    assert movie.directors == ["David Fincher"]
    assert sorted(movie.genres.values_list("name", "tmdb_id")) == [("Drama", 18), ("Thriller", 53)]
    assert movie.tmdb_synced_at is not None
    assert current_generation() > generation
    # The outgoing request: the movie with credits and keywords appended, authenticated with the bearer token.
    request = tmdb.routes[1].calls.last.request
    assert request.url.path == "/3/movie/550"
    assert request.url.params["append_to_response"] == "credits,keywords"
    assert request.headers["Authorization"] == f"Bearer {TMDB_TOKEN}"


def test_configuration_is_fetched_once_and_cached(tmdb):
    catalogue.import_movie(550)
    catalogue.import_movie(348)
    catalogue.import_movie(550)

    assert tmdb.routes[0].call_count == 1
    assert Movie.objects.get(tmdb_id=348).poster_url.startswith("https://images.example.test/t/p/w500/")


def test_failed_configuration_falls_back_to_the_image_base_url_setting(tmdb, tmdb_settings):
    tmdb_settings.TMDB_IMAGE_BASE_URL = "https://fallback.example.test/img/"
    tmdb.routes[0].respond(404, json=ERROR_404)

    movie = catalogue.import_movie(550).movie

    assert movie.poster_url == "https://fallback.example.test/img/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
    assert movie.backdrop_url == "https://fallback.example.test/img/w1280/hZkgoQYus5vegHoetLkCJzb17zJ.jpg"


def test_only_the_ten_top_billed_actors_are_kept_in_billing_order(tmdb):
    body = copy.deepcopy(FIGHT_CLUB)
    body["credits"]["cast"] = [{"name": f"Actor {n}", "order": n} for n in reversed(range(15))]
    tmdb.get("/movie/550").respond(200, json=body)

    movie = catalogue.import_movie(550).movie

    assert movie.cast == [f"Actor {n}" for n in range(10)]


def test_tmdb_quirks_become_empty_values(tmdb):
    movie = catalogue.import_movie(987654).movie

    assert (movie.release_date, movie.runtime, movie.budget, movie.revenue) == (None, None, None, None)
    assert (movie.imdb_id, movie.poster_path, movie.poster_url, movie.backdrop_url) == ("", "", "", "")
    assert (movie.keywords, movie.cast, movie.directors) == ([], [], [])
    assert not movie.genres.exists()


def test_a_second_import_writes_nothing(tmdb, django_capture_on_commit_callbacks):
    first = catalogue.import_movie(550).movie
    generation = current_generation()

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        outcome = catalogue.import_movie(550)

    assert outcome.status == "unchanged"
    assert writes(queries.captured_queries) == []
    again = Movie.objects.get(pk=first.pk)
    assert (again.updated_at, again.tmdb_synced_at) == (first.updated_at, first.tmdb_synced_at)
    assert current_generation() == generation  # recommendation caches stay valid
    assert Movie.objects.count() == 1 and Genre.objects.count() == 2


def test_a_changed_movie_updates_only_what_changed(tmdb, django_capture_on_commit_callbacks):
    first = catalogue.import_movie(550).movie
    generation = current_generation()
    body = {**copy.deepcopy(FIGHT_CLUB), "runtime": 151, "genres": [{"id": 18, "name": "Drama"}]}
    tmdb.get("/movie/550").respond(200, json=body)

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        outcome = catalogue.import_movie(550)

    assert (outcome.status, outcome.changed) == ("updated", ("runtime", "genres"))
    movie = Movie.objects.get(pk=first.pk)
    assert movie.runtime == 151
    assert list(movie.genres.values_list("name", flat=True)) == ["Drama"]
    assert movie.updated_at > first.updated_at and movie.tmdb_synced_at > first.tmdb_synced_at
    (update,) = [sql for sql in writes(queries.captured_queries) if sql.startswith("UPDATE")]
    assert '"runtime"' in update and '"title"' not in update
    assert current_generation() > generation


def test_genres_match_existing_ones_by_name_and_keep_local_genres(tmdb):
    drama = GenreFactory(name="drama", slug="drama")  # MovieLens/demo genres have no tmdb_id
    sci_fi = GenreFactory(name="Sci-Fi", slug="sci-fi")
    movie = MovieFactory(tmdb_id=348, genres=[sci_fi])

    catalogue.import_movie(348)  # Alien: Horror (27), Science Fiction (878)
    catalogue.import_movie(550)  # Fight Club: Drama (18), Thriller (53)

    drama.refresh_from_db()
    assert drama.tmdb_id == 18  # matched regardless of case, not duplicated
    assert Genre.objects.filter(name__iexact="drama").count() == 1
    assert Genre.objects.get(name="Science Fiction").tmdb_id == 878  # a genre of its own next to Sci-Fi
    # The local genre stays on the movie; TMDB's join it.
    assert sorted(movie.genres.values_list("name", flat=True)) == ["Horror", "Sci-Fi", "Science Fiction"]


def test_a_genre_dropped_on_tmdb_is_unlinked(tmdb):
    catalogue.import_movie(550)
    tmdb.get("/movie/550").respond(200, json={**FIGHT_CLUB, "genres": [{"id": 53, "name": "Thriller"}]})

    movie = catalogue.import_movie(550).movie

    assert list(movie.genres.values_list("tmdb_id", flat=True)) == [53]
    assert Genre.objects.filter(tmdb_id=18).exists()  # the genre itself stays


def test_an_existing_movie_is_matched_by_tmdb_id(tmdb):
    existing = MovieFactory(tmdb_id=550, title="Fight Club (MovieLens)")

    outcome = catalogue.import_movie(550)

    assert outcome.status == "updated"
    assert outcome.movie.pk == existing.pk
    assert Movie.objects.get().title == "Fight Club"


def test_a_database_error_after_genres_were_created_leaves_nothing(tmdb, monkeypatch):
    def fail(*args, **kwargs):
        assert Genre.objects.count() == 2 and Movie.objects.count() == 1  # written, not yet committed
        raise DatabaseError("disk full")

    monkeypatch.setattr(catalogue, "_movie_genres_sync", fail)

    with pytest.raises(DatabaseError):
        catalogue.import_movie(550)

    assert Movie.objects.count() == 0
    assert Genre.objects.count() == 0


def test_tmdb_not_found_writes_nothing(tmdb):
    tmdb.get("/movie/424242").respond(404, json=ERROR_404)

    with pytest.raises(TmdbNotFound):
        catalogue.import_movie(424242)

    assert Movie.objects.count() == 0
    assert tmdb.routes[0].call_count == 0  # no /configuration either


def test_numbers_too_big_for_our_columns_are_imported_as_unknown(tmdb):
    body = copy.deepcopy(FIGHT_CLUB)
    body.update(budget=10**20, revenue=2**63)
    body["genres"].append({"id": 2**40, "name": "Out of range"})
    tmdb.get("/movie/550").respond(200, json=body)

    catalogue.import_movie(550)

    movie = Movie.objects.get(tmdb_id=550)
    assert (movie.budget, movie.revenue) == (None, None)
    assert sorted(movie.genres.values_list("name", flat=True)) == ["Drama", "Thriller"]
