"""The TMDB management commands end to end, against the fake TMDB on 127.0.0.1 with injected faults."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from imports.tests.tmdb_fixtures import numbered_movies
from imports.tmdb import batch, catalogue
from movies.models import Movie
from tests.factories import MovieFactory
from tests.fake_tmdb import FakeTmdb, Fault

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def run_failing(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), str(caught.value)


@pytest.fixture
def fake_tmdb_app() -> FakeTmdb:
    return FakeTmdb(numbered_movies(45))  # 3 pages of the popular list: ids 1..45 by popularity


def test_import_tmdb_movie_imports_each_id_once_and_names_failures(fake_tmdb):
    output, error = run_failing("import_tmdb_movie", "3", "1", "3", "424242")

    assert "TMDB: 2 imported, 0 updated, 0 unchanged, 1 failed." in output
    assert "movie 424242: TmdbNotFound:" in output
    assert "1 of 3" in error
    assert sorted(Movie.objects.values_list("tmdb_id", flat=True)) == [1, 3]
    assert (fake_tmdb.count("/movie/1"), fake_tmdb.count("/movie/3"), fake_tmdb.count("/configuration")) == (1, 1, 1)


def test_import_tmdb_movie_twice_reports_unchanged(fake_tmdb):
    run("import_tmdb_movie", "1", "2")
    movie = Movie.objects.get(tmdb_id=1)

    output, _ = run("import_tmdb_movie", "1", "2")

    assert "TMDB: 0 imported, 0 updated, 2 unchanged, 0 failed." in output
    assert Movie.objects.get(tmdb_id=1).updated_at == movie.updated_at


@pytest.mark.parametrize(
    "command", [("import_tmdb_movie", "550"), ("import_popular_movies", "--pages", "1"), ("sync_tmdb_movies",)]
)
def test_commands_without_credentials_name_the_settings(tmdb_settings, command):
    tmdb_settings.TMDB_API_TOKEN = ""

    with pytest.raises(CommandError) as caught:
        call_command(*command, stdout=StringIO(), stderr=StringIO())

    assert "TMDB_API_TOKEN" in str(caught.value) and "TMDB_API_KEY" in str(caught.value)


@pytest.mark.django_db(transaction=True)  # the worker threads write through connections of their own
def test_import_popular_movies_rides_out_faults_and_imports_each_movie_once(fake_tmdb, tmdb_settings, sleeps):
    tmdb_settings.TMDB_TIMEOUT = 0.2
    fake_tmdb.inject("/movie/popular", Fault.too_many_requests())  # page 1: 429 without Retry-After
    fake_tmdb.inject("/movie/5", Fault.too_many_requests(retry_after=3))
    fake_tmdb.inject("/movie/7", Fault.server_error(500))
    fake_tmdb.inject("/movie/9", Fault.service_unavailable())
    fake_tmdb.inject("/movie/11", Fault.slow(1.0))  # past the 0.2 s timeout, then answered normally
    fake_tmdb.inject("/movie/13", Fault.malformed_json(), times=4)  # a 200 cut off on every attempt: reported
    fake_tmdb.inject("/movie/15", Fault.malformed_json())  # cut off once, then answered normally

    output, error = run_failing("import_popular_movies", "--pages", "3", "--workers", "4")

    assert "1 of 45 failed" in error
    assert "TMDB: 44 imported, 0 updated, 0 unchanged, 1 failed." in output
    assert "movie 13: TmdbBadResponse:" in output and "malformed JSON" in output
    assert set(Movie.objects.values_list("tmdb_id", flat=True)) == set(range(1, 46)) - {13}
    # Every movie was fetched exactly once, plus one retry for each injected failure; 13 until the retries ran out.
    retried = {5, 7, 9, 11, 15}
    expected = {n: 4 if n == 13 else 2 if n in retried else 1 for n in range(1, 46)}
    assert {n: fake_tmdb.count(f"/movie/{n}") for n in range(1, 46)} == expected
    assert fake_tmdb.count("/movie/popular") == 3 + 1
    assert fake_tmdb.count("/configuration") == 1
    assert fake_tmdb.pending_faults() == 0
    assert 3.0 in sleeps.calls  # TMDB's Retry-After was honoured


def test_import_popular_movies_stops_when_tmdb_rejects_the_token(fake_tmdb, tmdb_settings):
    tmdb_settings.TMDB_API_TOKEN = "revoked-token-value"

    output, error = run_failing("import_popular_movies", "--pages", "3")

    assert "page 1: TmdbAuthError:" in output
    assert "Stopped early: TMDB refused the credentials" in error and "TMDB_API_TOKEN" in error
    assert "revoked-token-value" not in output + error
    assert fake_tmdb.count() == 1
    assert Movie.objects.count() == 0


def test_a_401_midway_stops_the_batch(fake_tmdb):
    fake_tmdb.inject("/movie/2", Fault.unauthorized())

    output, error = run_failing("import_popular_movies", "--pages", "3", "--workers", "1")

    assert "movie 2: TmdbAuthError:" in output
    assert "not attempted" in output
    assert "Stopped early: TMDB refused the credentials" in error
    assert fake_tmdb.count("/movie/3") == 0  # nothing after the refusal


def test_a_batch_stops_when_tmdb_keeps_failing(fake_tmdb, sleeps):
    for n in range(1, 46):
        fake_tmdb.inject(f"/movie/{n}", Fault.service_unavailable(), times=4)  # more than the client's retries

    output, error = run_failing("import_popular_movies", "--pages", "3", "--workers", "1")

    assert "TMDB: 0 imported, 0 updated, 0 unchanged, 10 failed, 35 not attempted." in output
    assert "movie 1: TmdbUnavailable:" in output
    assert "Stopped early: TMDB kept failing: 10 requests in a row gave up" in error
    assert fake_tmdb.count("/movie/10") == 4 and fake_tmdb.count("/movie/11") == 0
    assert len(sleeps.calls) == 10 * 3  # backoff between the client's attempts, never really slept


def test_pages_clamp_to_500_and_to_the_length_of_the_list(fake_tmdb):
    output, stderr = run("import_popular_movies", "--pages", "9999", "--list", "top_rated", "--workers", "1")

    assert "at most 500 pages" in stderr
    assert "TMDB: 45 imported" in output
    pages = [r.query["page"][0] for r in fake_tmdb.requests if r.path == "/movie/top_rated"]
    assert sorted(pages) == ["1", "2", "3"]
    assert fake_tmdb.count("/movie/popular") == 0


def test_sync_tmdb_movies_refreshes_every_movie_with_a_tmdb_id(fake_tmdb):
    catalogue.import_movie(2)
    MovieFactory(tmdb_id=1, title="Renamed here")
    local = MovieFactory(title="Not from TMDB")

    output, _ = run("sync_tmdb_movies", "--workers", "1")

    assert "TMDB: 0 imported, 1 updated, 1 unchanged, 0 failed." in output
    assert Movie.objects.get(tmdb_id=1).title == "Movie 1"
    assert Movie.objects.get(pk=local.pk).title == "Not from TMDB"
    assert fake_tmdb.count("/movie/1") == 1 and fake_tmdb.count("/movie/2") == 2
    assert fake_tmdb.count() == 4  # 2 at import (details + configuration), 2 at sync


def test_sync_tmdb_movies_refuses_to_run_alongside_another_sync(fake_tmdb):
    MovieFactory(tmdb_id=1)
    cache.add(batch.SYNC_LOCK_KEY, "the nightly task", 60)

    with pytest.raises(CommandError, match="another TMDB sync is running"):
        call_command("sync_tmdb_movies", stdout=StringIO())

    assert fake_tmdb.count() == 0


def test_workers_outside_the_allowed_range_are_refused(fake_tmdb):
    with pytest.raises(CommandError, match="--workers must be between 1 and 32"):
        call_command("sync_tmdb_movies", "--workers", "64", stdout=StringIO())
