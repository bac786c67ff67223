"""TMDB Celery tasks: eager runs in-process, concurrent imports on PostgreSQL, and a real worker on Redis."""

import os
import threading
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.celery import app
from imports import tasks
from imports.tests.tmdb_fixtures import numbered_movies
from imports.tmdb import batch, catalogue
from imports.tmdb.errors import TmdbUnavailable
from movies.models import Genre, Movie
from tests.celery_worker import running_worker, worker_redis_url_or_skip
from tests.factories import MovieFactory
from tests.fake_tmdb import DEFAULT_TOKEN, FakeTmdb, Fault, run_fake_tmdb

WORKER_REDIS_DB = 14  # a database of its own: the suite flushes the cache database; core's worker test uses 15


# --- in-process (no broker: tasks run eagerly) ---------------------------------------------------------------


@pytest.fixture
def eager_retries():
    """Let retries run in-process: with propagation on (the project's eager setting) a retry is raised instead."""
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


@pytest.mark.django_db
def test_import_task_retries_while_tmdb_is_unavailable(fake_tmdb, eager_retries):
    # The client tries 4 times (max_retries=3 in these tests), then the task retries and succeeds.
    fake_tmdb.inject("/movie/550", Fault.service_unavailable(), times=4)

    result = tasks.import_tmdb_movie.apply(args=(550,))

    movie = Movie.objects.get(tmdb_id=550)
    assert result.get(timeout=5) == {"tmdb_id": 550, "movie_id": movie.pk, "status": "created"}
    assert fake_tmdb.count("/movie/550") == 5


@pytest.mark.django_db
def test_import_task_gives_up_after_its_retries(fake_tmdb, eager_retries):
    fake_tmdb.inject("/movie/550", Fault.server_error(502), times=100)

    result = tasks.import_tmdb_movie.apply(args=(550,))

    assert result.failed() and isinstance(result.result, TmdbUnavailable)
    assert fake_tmdb.count("/movie/550") == 4 * (1 + tasks.IMPORT_MAX_RETRIES)
    assert not Movie.objects.exists()


@pytest.mark.django_db(transaction=True)  # no test transaction around the request: on_commit runs at once
def test_a_queued_import_in_eager_mode_reports_tmdb_being_down(fake_tmdb, admin_client):
    # No broker: the task runs inside the request and cannot wait to retry, so the request says what happened.
    fake_tmdb.inject("/movie/550", Fault.service_unavailable(), times=4)

    response = admin_client.post("/api/movies/import-tmdb/", {"tmdb_id": 550, "async": True}, format="json")

    assert response.status_code == 502 and response.json()["code"] == "tmdb_unavailable"
    assert not Movie.objects.exists()


def test_import_retry_countdown_grows_and_honours_retry_after():
    first = tasks.import_retry_countdown(0)
    assert tasks.IMPORT_RETRY_BASE_SECONDS / 2 <= first <= tasks.IMPORT_RETRY_BASE_SECONDS
    assert tasks.import_retry_countdown(3) >= 4 * tasks.IMPORT_RETRY_BASE_SECONDS
    assert tasks.import_retry_countdown(20) <= tasks.IMPORT_RETRY_MAX_SECONDS
    assert tasks.import_retry_countdown(0, retry_after=120) == 120


@pytest.mark.django_db
def test_sync_task_refreshes_every_tmdb_movie_and_releases_its_lock(fake_tmdb):
    MovieFactory(tmdb_id=550, title="Old title")
    MovieFactory(tmdb_id=None)

    result = tasks.sync_tmdb_movies.delay(workers=1).get(timeout=5)

    assert result == {"status": "done", "created": 0, "updated": 1, "unchanged": 0, "failed": 0}
    assert Movie.objects.get(tmdb_id=550).title == "Fight Club"
    assert cache.get(batch.SYNC_LOCK_KEY) is None


@pytest.mark.django_db
def test_sync_task_skips_while_another_sync_holds_the_lock(fake_tmdb):
    MovieFactory(tmdb_id=550)
    cache.add(batch.SYNC_LOCK_KEY, "another-run", 60)

    result = tasks.sync_tmdb_movies.delay().get(timeout=5)

    assert result == {"status": "skipped", "reason": "another sync is running"}
    assert fake_tmdb.count() == 0
    assert cache.get(batch.SYNC_LOCK_KEY) == "another-run"  # not ours to release


@pytest.mark.django_db
def test_sync_task_without_credentials_does_nothing(tmdb_settings):
    tmdb_settings.TMDB_API_TOKEN = ""

    assert tasks.sync_tmdb_movies.delay().get(timeout=5)["status"] == "skipped"
    assert cache.get(batch.SYNC_LOCK_KEY) is None


def test_the_sync_runs_nightly_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["sync-tmdb-movies"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {4} and entry["schedule"].minute == {7}


# --- concurrent imports on PostgreSQL --------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_the_same_new_movie_imported_twice_at_once_is_created_once(fake_tmdb):
    barrier = threading.Barrier(4, timeout=10)
    outcomes, errors = [], []

    def job():
        try:
            barrier.wait()
            outcomes.append(catalogue.import_movie(550).status)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes) == ["created", "unchanged", "unchanged", "unchanged"]
    assert Movie.objects.filter(tmdb_id=550).count() == 1
    assert sorted(Genre.objects.values_list("tmdb_id", flat=True)) == [18, 53]


# --- a real worker ----------------------------------------------------------------------------------------------


def _test_database_url() -> str:
    """DATABASE_URL, pointed at the database this test run uses (pytest-django's test_<name>)."""
    database = settings.DATABASES["default"]
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database['NAME']}").geturl()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed rows, visible to the worker and from it
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process needs a database it shares with the test"
)
def test_a_real_worker_imports_each_movie_exactly_once(tmdb_settings):
    redis_url = worker_redis_url_or_skip(WORKER_REDIS_DB)
    app_ = FakeTmdb(numbered_movies(12))
    app_.inject("/movie/3", Fault.too_many_requests(retry_after=0))  # retried by the client, at once
    with run_fake_tmdb(app_) as base_url:
        env = {
            "DATABASE_URL": _test_database_url(),
            "TMDB_API_BASE_URL": base_url,
            "TMDB_API_TOKEN": DEFAULT_TOKEN,
            "TMDB_RATE_LIMIT": "0",
        }
        pool = ["--pool", "threads", "--concurrency", "4"]
        with running_worker(redis_url, prefix="flix-tmdb-test", env=env, pool=pool) as worker:
            imports = [worker.send(tasks.import_tmdb_movie.name, n) for n in range(1, 13)]
            assert {r["status"] for r in worker.wait_for(imports)} == {"created"}

            # Two syncs at once: the first holds the lock (its first movie is slow), the second steps aside.
            app_.inject("/movie/1", Fault.slow(0.5))
            results = worker.wait_for([worker.send(tasks.sync_tmdb_movies.name) for _ in range(2)])

    statuses = sorted(result["status"] for result in results)
    assert statuses == ["done", "skipped"], results
    done = next(result for result in results if result["status"] == "done")
    assert (done["unchanged"], done["failed"]) == (12, 0)
    assert sorted(Movie.objects.values_list("tmdb_id", flat=True)) == list(range(1, 13))
    # Each movie fetched once by its import task and once by the one sync that ran; /movie/3 once more (429).
    assert {n: app_.count(f"/movie/{n}") for n in range(1, 13)} == {n: 3 if n == 3 else 2 for n in range(1, 13)}
    assert app_.count("/configuration") == 1  # cached in Redis for every worker thread and task
